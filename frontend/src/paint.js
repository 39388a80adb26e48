import { lineWidthFor, strokeCommands } from './geometry.js';

export const INK = '#1b1f24';

/** Repaint every stroke on a transparent canvas (what the server expects from an export). */
export function paintStrokes(ctx, strokes, size) {
  ctx.clearRect(0, 0, size, size);
  ctx.strokeStyle = INK;
  ctx.fillStyle = INK;
  ctx.lineWidth = lineWidthFor(size);
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  for (const stroke of strokes) {
    const commands = strokeCommands(stroke, size);
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
