// Handwritten-looking digits as strokes of points in unit coordinates (0..1 across the canvas).

const lerp = (a, b, t) => a + (b - a) * t;

/** Points from `from` to `to`, bowed sideways by `bow` (a fraction of the length) like a real hand. */
function line([x0, y0], [x1, y1], n, bow = 0) {
  const length = Math.hypot(x1 - x0, y1 - y0);
  const [nx, ny] = [-(y1 - y0) / length, (x1 - x0) / length];
  return Array.from({ length: n + 1 }, (_, i) => {
    const t = i / n;
    const off = Math.sin(Math.PI * t) * bow * length;
    return [lerp(x0, x1, t) + nx * off, lerp(y0, y1, t) + ny * off];
  });
}

/** A 1: a short up-stroke (the flag) into the top, then down with a slight lean, in one stroke. */
export function one({ x = 0.5, top = 0.15, height = 0.7 } = {}) {
  const peak = [x, top];
  const flag = line([x - 0.16 * height, top + 0.16 * height], peak, 4);
  const stem = line(peak, [x - 0.04 * height, top + height], 14, 0.01);
  return [[...flag, ...stem.slice(1)]];
}

/** A 0: an ellipse drawn from the top, anticlockwise, closing with a little overlap. */
export function zero({ cx = 0.5, cy = 0.5, rx = 0.22, ry = 0.32 } = {}) {
  const n = 48;
  const points = [];
  for (let i = 0; i <= n + 3; i += 1) {
    const a = -Math.PI / 2 - (2 * Math.PI * i) / n;
    points.push([cx + rx * Math.cos(a), cy + ry * Math.sin(a)]);
  }
  return [points];
}

/** A 7: a top bar from left to right, then a long diagonal down to the left, without lifting the pen. */
export function seven({ left = 0.2, top = 0.15, width = 0.6, height = 0.7 } = {}) {
  const start = [left, top + 0.03 * height];
  const corner = [left + width, top];
  const foot = [left + 0.3 * width, top + height];
  return [[...line(start, corner, 10, 0.02), ...line(corner, foot, 16, -0.03).slice(1)]];
}

/** A loop around most of the canvas, to change a drawing before an undo. */
export function scribble() {
  return [line([0.1, 0.9], [0.9, 0.1], 10, 0.2)];
}

/** Not a digit: a zig-zag across the whole canvas, the way someone tries out a pen. */
export function zigzag() {
  const corners = [[0.07, 0.07], [0.93, 0.86], [0.11, 0.89], [0.89, 0.11], [0.5, 0.96], [0.07, 0.5], [0.96, 0.54]];
  return [corners.slice(1).flatMap((to, i) => line(corners[i], to, 8).slice(i ? 1 : 0))];
}
