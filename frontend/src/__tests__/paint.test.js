// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { INK, paintStrokes } from '../paint.js';

function recorder() {
  const calls = [];
  const ctx = {};
  for (const name of ['clearRect', 'beginPath', 'moveTo', 'lineTo', 'quadraticCurveTo', 'arc', 'stroke', 'fill']) {
    ctx[name] = (...args) => calls.push([name, ...args]);
  }
  return { ctx, calls };
}

describe('paintStrokes', () => {
  it('clears to transparent and draws round dark strokes 1/18 of the width', () => {
    const { ctx, calls } = recorder();
    paintStrokes(ctx, [[{ x: 0.1, y: 0.1 }, { x: 0.9, y: 0.9 }]], 360);
    expect(calls[0]).toEqual(['clearRect', 0, 0, 360, 360]);
    expect(ctx).toMatchObject({ lineWidth: 20, lineCap: 'round', lineJoin: 'round', strokeStyle: INK });
    expect(calls.map((c) => c[0])).toEqual(['clearRect', 'beginPath', 'moveTo', 'lineTo', 'stroke']);
  });

  it('fills a dot for a single tap', () => {
    const { ctx, calls } = recorder();
    paintStrokes(ctx, [[{ x: 0.5, y: 0.5 }]], 360);
    expect(calls.map((c) => c[0])).toEqual(['clearRect', 'beginPath', 'arc', 'fill']);
  });

  it('paints a wide canvas with its own height and a line 1/18 of that height', () => {
    const { ctx, calls } = recorder();
    paintStrokes(ctx, [[{ x: 0, y: 0.5 }, { x: 1, y: 0.5 }]], 1080, 360);
    expect(calls[0]).toEqual(['clearRect', 0, 0, 1080, 360]);
    expect(calls.slice(2, 4)).toEqual([
      ['moveTo', 0, 180],
      ['lineTo', 1080, 180],
    ]);
    expect(ctx.lineWidth).toBe(20);
  });

  it('leaves the canvas empty with no strokes', () => {
    const { ctx, calls } = recorder();
    paintStrokes(ctx, [], 100);
    expect(calls).toEqual([['clearRect', 0, 0, 100, 100]]);
  });
});
