// Pure helpers for the drawing canvas. Points are stored in unit coordinates
// (0..1 across the canvas), so strokes survive resizes and devicePixelRatio changes.

/** Stroke width as a fraction of the canvas width (a finger-thick line on an 8x8 grid). */
export const LINE_WIDTH_RATIO = 1 / 18;

/** Width over height of the Number mode canvas: room for six digits of a comfortable size side by side. */
export const NUMBER_ASPECT = 3;

/** Map a pointer's client position to unit coordinates inside `rect` (a DOMRect). */
export function toUnitPoint(clientX, clientY, rect) {
  if (!rect.width || !rect.height) return { x: 0, y: 0 };
  return {
    x: (clientX - rect.left) / rect.width,
    y: (clientY - rect.top) / rect.height,
  };
}

/** Size of the canvas backing store for a CSS size, so lines stay crisp on high-DPI screens. */
export function backingStoreSize(cssPixels, devicePixelRatio = 1) {
  const ratio = devicePixelRatio > 0 ? devicePixelRatio : 1;
  return Math.max(1, Math.round(cssPixels * ratio));
}

/** Line width in backing-store pixels for a canvas `width` by `height` pixels: a share of its shorter side. */
export function lineWidthFor(width, height = width) {
  return Math.min(width, height) * LINE_WIDTH_RATIO;
}

/**
 * Whether a pointerdown starts a stroke: the left mouse button, a pen tip
 * (not the eraser or barrel button) or the first finger on a touch screen.
 */
export function startsStroke({ pointerType, button, isPrimary }) {
  if (!isPrimary) return false;
  if (pointerType === 'mouse' || pointerType === 'pen') return button === 0;
  return pointerType === 'touch';
}

/** Add `point` to `points` unless it is closer than `minDistance` to the last one. */
export function appendPoint(points, point, minDistance = 0.002) {
  const last = points[points.length - 1];
  if (last && Math.hypot(point.x - last.x, point.y - last.y) < minDistance) return points;
  return [...points, point];
}

/**
 * Canvas path commands for one stroke, in pixels of a canvas `size` pixels wide and `height` high (square
 * unless told).
 * A quadratic curve runs through the midpoints between samples with each sample
 * as the control point, which smooths the corners between pointer events.
 * A single point becomes a dot.
 */
export function strokeCommands(points, size, height = size) {
  if (points.length === 0) return [];
  const px = points.map((p) => [p.x * size, p.y * height]);
  if (px.length === 1) {
    const [x, y] = px[0];
    return [{ op: 'dot', args: [x, y, lineWidthFor(size, height) / 2] }];
  }
  const commands = [{ op: 'moveTo', args: px[0] }];
  for (let i = 1; i < px.length - 1; i += 1) {
    const [cx, cy] = px[i];
    const [nx, ny] = px[i + 1];
    commands.push({ op: 'quadraticCurveTo', args: [cx, cy, (cx + nx) / 2, (cy + ny) / 2] });
  }
  commands.push({ op: 'lineTo', args: px[px.length - 1] });
  return commands;
}

/**
 * Where a box of the uploaded image (`[x, y, width, height]` in its pixels, `image` its { width, height }) lies
 * on the canvas it was drawn on, as CSS percentages: the same place whatever size the canvas is shown at.
 */
export function boxPercent([x, y, width, height], image) {
  const percent = (value, of) => `${(100 * value) / of}%`;
  return {
    left: percent(x, image.width),
    top: percent(y, image.height),
    width: percent(width, image.width),
    height: percent(height, image.height),
  };
}
