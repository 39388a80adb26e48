import { lineWidthFor, strokeCommands } from './geometry.js';

export const INK = '#1b1f24';
// Side in pixels of the PNG sent to the API. The server brings every drawing down to 8x8, so a
// bigger export (a high-DPI backing store is 2-3x this) only costs upload and decoding time.
export const EXPORT_SIZE = 280;

/** Repaint every stroke on a transparent canvas (what the server expects from an export), `height` for a wide one. */
export function paintStrokes(ctx, strokes, size, height = size) {
  ctx.clearRect(0, 0, size, height);
  ctx.strokeStyle = INK;
  ctx.fillStyle = INK;
  ctx.lineWidth = lineWidthFor(size, height);
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  for (const stroke of strokes) {
    const commands = strokeCommands(stroke, size, height);
    ctx.beginPath();
    if (commands.length === 1 && commands[0].op === 'dot') {
      const [x, y, radius] = commands[0].args;
      ctx.arc(x, y, radius, 0, 2 * Math.PI);
      ctx.fill();
    } else if (commands.length > 0) {
      for (const { op, args } of commands) ctx[op](...args);
      ctx.stroke();
    }
  }
}

/**
 * The strokes as a PNG data URI of `size` x `height` pixels (square unless told), repainted on a canvas of that
 * size: the same picture whatever the screen's pixel density, like the one on screen.
 */
export function exportPng(strokes, size = EXPORT_SIZE, height = size) {
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = height;
  paintStrokes(canvas.getContext('2d'), strokes, size, height);
  return canvas.toDataURL('image/png');
}
