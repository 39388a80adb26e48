import { expect, test } from '@playwright/test';
import { E2E_STROKES } from '../../playwright.config.js';
import { canvasOf } from './helpers.js';
import { readStrokes } from './realDigits.js';
import { drawRealNumber, numberOf, openNumberPage } from './realNumbers.js';

// Numbers made of the second validation digit of each class (E2E_STROKES has the first two), drawn with the mouse in
// Number mode as the number page benchmark draws them (make bench-page-number), each laid out by its own seed.
const NUMBERS = ['42', '907', '3851', '26'];

/** The second validation digit of each class in `number` (a string of different digits). */
const digitsOf = (number) => [...number].map((d) => readStrokes(E2E_STROKES).filter(({ label }) => label === Number(d))[1]);

test.beforeEach(async ({ page }) => openNumberPage(page));

for (const [i, number] of NUMBERS.entries()) {
  test(`${number} of real handwritten digits drawn with the mouse is read back, each digit boxed`, async ({ page }) => {
    const digits = digitsOf(number);
    expect(numberOf(digits)).toBe(number);
    const { shown } = await drawRealNumber(page, digits, 1000 + i);
    expect(shown).toBe(number);
    // Each digit's box is drawn over the drawing, inside the canvas, with its answer ("?" when not sure).
    const boxes = page.getByTestId('digit-box');
    await expect(boxes).toHaveText([...number].map((d) => new RegExp(`^${d}\\??$`)));
    const canvas = await canvasOf(page).boundingBox();
    let lastRight = canvas.x;
    for (const box of await boxes.all()) {
      const { x, y, width, height } = await box.boundingBox();
      expect(x).toBeGreaterThanOrEqual(lastRight - 1); // left to right, apart
      expect(x + width).toBeLessThanOrEqual(canvas.x + canvas.width + 1);
      expect(y).toBeGreaterThanOrEqual(canvas.y - 1);
      expect(y + height).toBeLessThanOrEqual(canvas.y + canvas.height + 1);
      expect(height).toBeGreaterThan(canvas.height / 4); // a digit's box, not a speck's
      lastRight = x + width;
    }
  });
}
