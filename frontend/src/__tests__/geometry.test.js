// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  appendPoint,
  backingStoreSize,
  boxPercent,
  lineWidthFor,
  startsStroke,
  strokeCommands,
  toUnitPoint,
} from '../geometry.js';

describe('toUnitPoint', () => {
  const rect = { left: 100, top: 50, width: 200, height: 200 };

  it.each([
    [100, 50, { x: 0, y: 0 }],
    [300, 250, { x: 1, y: 1 }],
    [200, 100, { x: 0.5, y: 0.25 }],
    [80, 270, { x: -0.1, y: 1.1 }], // outside the canvas: kept, the canvas clips it
  ])('maps client (%d, %d) to %o', (clientX, clientY, expected) => {
    const p = toUnitPoint(clientX, clientY, rect);
    expect(p.x).toBeCloseTo(expected.x);
    expect(p.y).toBeCloseTo(expected.y);
  });

  it('does not divide by zero for a canvas with no size yet', () => {
    expect(toUnitPoint(10, 10, { left: 0, top: 0, width: 0, height: 0 })).toEqual({ x: 0, y: 0 });
  });
});

describe('backingStoreSize', () => {
  it.each([
    [300, 1, 300],
    [300, 2, 600],
    [301, 1.5, 452],
    [300, 0, 300],
    [300, undefined, 300],
  ])('css %d at dpr %s gives %d pixels', (css, dpr, expected) => {
    expect(backingStoreSize(css, dpr)).toBe(expected);
  });
});

describe('lineWidthFor', () => {
  it('is 1/18 of the canvas width', () => {
    expect(lineWidthFor(360)).toBe(20);
    expect(lineWidthFor(720)).toBe(40);
  });

  it('is a share of the shorter side on a wide canvas', () => {
    expect(lineWidthFor(1080, 360)).toBe(20);
  });
});

describe('startsStroke', () => {
  it.each([
    [{ pointerType: 'mouse', button: 0, isPrimary: true }, true],
    [{ pointerType: 'mouse', button: 2, isPrimary: true }, false],
    [{ pointerType: 'mouse', button: 1, isPrimary: true }, false],
    [{ pointerType: 'pen', button: 0, isPrimary: true }, true],
    [{ pointerType: 'pen', button: 5, isPrimary: true }, false], // eraser end
    [{ pointerType: 'touch', button: 0, isPrimary: true }, true],
    [{ pointerType: 'touch', button: 0, isPrimary: false }, false], // a second finger
  ])('%o -> %s', (event, expected) => {
    expect(startsStroke(event)).toBe(expected);
  });
});

describe('appendPoint', () => {
  it('adds a point far enough from the last one', () => {
    expect(appendPoint([{ x: 0, y: 0 }], { x: 0.1, y: 0 })).toEqual([
      { x: 0, y: 0 },
      { x: 0.1, y: 0 },
    ]);
  });

  it('skips a point on top of the last one and keeps the same array', () => {
    const points = [{ x: 0.5, y: 0.5 }];
    expect(appendPoint(points, { x: 0.5005, y: 0.5 })).toBe(points);
  });

  it('always accepts the first point', () => {
    expect(appendPoint([], { x: 0.2, y: 0.3 })).toEqual([{ x: 0.2, y: 0.3 }]);
  });
});

describe('strokeCommands', () => {
  it('is empty for no points', () => {
    expect(strokeCommands([], 100)).toEqual([]);
  });

  it('turns one point into a dot of the line width', () => {
    expect(strokeCommands([{ x: 0.5, y: 0.25 }], 180)).toEqual([{ op: 'dot', args: [90, 45, 5] }]);
  });

  it('draws two points as a straight line', () => {
    expect(strokeCommands([{ x: 0, y: 0 }, { x: 1, y: 1 }], 100)).toEqual([
      { op: 'moveTo', args: [0, 0] },
      { op: 'lineTo', args: [100, 100] },
    ]);
  });

  it('curves through the midpoints with the samples as control points', () => {
    const points = [
      { x: 0, y: 0 },
      { x: 0.5, y: 0 },
      { x: 0.5, y: 0.5 },
      { x: 1, y: 0.5 },
    ];
    expect(strokeCommands(points, 100)).toEqual([
      { op: 'moveTo', args: [0, 0] },
      { op: 'quadraticCurveTo', args: [50, 0, 50, 25] },
      { op: 'quadraticCurveTo', args: [50, 50, 75, 50] },
      { op: 'lineTo', args: [100, 50] },
    ]);
  });
});

describe('strokeCommands on a wide canvas', () => {
  it('scales x by the width and y by the height, the dot by the height', () => {
    expect(strokeCommands([{ x: 0, y: 0 }, { x: 1, y: 0.5 }], 900, 300)).toEqual([
      { op: 'moveTo', args: [0, 0] },
      { op: 'lineTo', args: [900, 150] },
    ]);
    expect(strokeCommands([{ x: 0.5, y: 0.5 }], 540, 180)).toEqual([{ op: 'dot', args: [270, 90, 5] }]);
  });
});

describe('boxPercent', () => {
  it('places a box of image pixels as percentages of the image, whatever size it is shown at', () => {
    expect(boxPercent([210, 70, 84, 140], { width: 840, height: 280 })).toEqual({
      left: '25%',
      top: '25%',
      width: '10%',
      height: '50%',
    });
  });

  it('covers the whole canvas for a box of the whole image', () => {
    expect(boxPercent([0, 0, 840, 280], { width: 840, height: 280 })).toEqual({
      left: '0%',
      top: '0%',
      width: '100%',
      height: '100%',
    });
  });
});
