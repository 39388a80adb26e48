// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { formatPercent, inkGrey } from '../format.js';

describe('formatPercent', () => {
  it.each([
    [0, '0%'],
    [1, '100%'],
    [0.934, '93%'],
    [0.004, '<1%'],
    [null, '–'],
  ])('%s -> %s', (p, expected) => {
    expect(formatPercent(p)).toBe(expected);
  });

  it('shows decimals when asked (reference accuracy: the quality gate works in tenths of a point)', () => {
    expect(formatPercent(0.9623, 1)).toBe('96.2%');
    expect(formatPercent(0.0004, 1)).toBe('0.0%');
  });
});

describe('inkGrey', () => {
  it.each([
    [0, 'rgb(255, 255, 255)'],
    [16, 'rgb(0, 0, 0)'],
    [8, 'rgb(128, 128, 128)'],
    [40, 'rgb(0, 0, 0)'],
    [-3, 'rgb(255, 255, 255)'],
  ])('%s -> %s', (value, expected) => {
    expect(inkGrey(value)).toBe(expected);
  });
});
