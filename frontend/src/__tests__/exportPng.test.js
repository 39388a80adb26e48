import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXPORT_SIZE, exportPng } from '../paint.js';
import { FAKE_PNG } from '../test/setup.js';

describe('exportPng', () => {
  afterEach(() => vi.restoreAllMocks());

  it('repaints the strokes on a canvas of EXPORT_SIZE pixels and exports it as PNG', () => {
    const created = [];
    const createElement = document.createElement.bind(document);
    vi.spyOn(document, 'createElement').mockImplementation((tag) => {
      const element = createElement(tag);
      created.push(element);
      return element;
    });
    const uri = exportPng([[{ x: 0.2, y: 0.2 }, { x: 0.8, y: 0.8 }]]);
    expect(uri).toBe(FAKE_PNG);
    const [canvas] = created;
    expect([canvas.width, canvas.height]).toEqual([EXPORT_SIZE, EXPORT_SIZE]);
    const { calls, lineWidth } = canvas.getContext('2d');
    expect(calls[0]).toEqual(['clearRect', 0, 0, EXPORT_SIZE, EXPORT_SIZE]);
    expect(calls.map((call) => call[0])).toContain('stroke');
    expect(lineWidth).toBeCloseTo(EXPORT_SIZE / 18);
  });

  it('paints at any size asked for', () => {
    const spy = vi.spyOn(document, 'createElement');
    exportPng([[{ x: 0.5, y: 0.5 }]], 100);
    expect(spy.mock.results[0].value.width).toBe(100);
  });

  it('exports a wide drawing at the width and height asked for', () => {
    const spy = vi.spyOn(document, 'createElement');
    exportPng([[{ x: 0.5, y: 0.5 }]], 840, 280);
    const canvas = spy.mock.results[0].value;
    expect([canvas.width, canvas.height]).toEqual([840, 280]);
    expect(canvas.getContext('2d').lineWidth).toBeCloseTo(280 / 18);
  });
});
