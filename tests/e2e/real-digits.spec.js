import { expect, test } from '@playwright/test';
import { E2E_STROKES } from '../../playwright.config.js';
import { drawRealDigit, openDrawingPage, readStrokes } from './realDigits.js';

// The first two validation digits of each class (handwriting.split_indices), drawn with the mouse along their
// centre-lines as the page benchmark draws them (make bench-page: the same size and place for the same digit).
test('real handwritten digits drawn with the mouse are read as their digit, at least 18 of 20', async ({ page }) => {
  test.setTimeout(240_000);
  const digits = readStrokes(E2E_STROKES);
  expect(digits.map(({ label }) => label)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9]);
  await openDrawingPage(page);
  const misread = [];
  for (const digit of digits) {
    const { shown } = await drawRealDigit(page, digit);
    if (shown !== digit.label) misread.push(`${digit.label} (validation digit ${digit.index}) read as ${shown}`);
  }
  expect(misread.length, `misread: ${misread.join('; ')}`).toBeLessThanOrEqual(2);
});
