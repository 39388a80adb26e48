import { expect, test } from '@playwright/test';
import { E2E_STROKES } from '../../playwright.config.js';
import { canvasOf, drawWithMouse, drawWithTouch, inkPixels, settled } from './helpers.js';
import { composeNumber, drawRealNumber, numberOf, openNumberPage } from './realNumbers.js';
import { readStrokes, seeded } from './realDigits.js';

// Numbers made of the second validation digit of each class (E2E_STROKES has the first two), drawn with the mouse in
// Number mode as the number page benchmark draws them (make bench-page-number), each laid out by its own seed.
const NUMBERS = ['42', '907', '3851', '26'];

/** The second validation digit of each class in `number` (a string of different digits). */
const digitsOf = (number) => [...number].map((d) => readStrokes(E2E_STROKES).filter(({ label }) => label === Number(d))[1]);

for (const [i, number] of NUMBERS.entries()) {
  test(`${number} of real handwritten digits drawn with the mouse is read back, each digit boxed`, async ({ page }) => {
    await openNumberPage(page);
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

test('Number mode is reached with the keyboard; Ctrl+Z and Escape work there as on the digit page', async ({ page }) => {
  await page.goto('/');
  for (let tabs = 0; tabs < 10; tabs += 1) {
    await page.keyboard.press('Tab');
    if ((await page.evaluate(() => document.activeElement?.textContent)) === 'Number') break;
  }
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/number$/);
  await expect(page.getByRole('link', { name: 'Number' })).toHaveAttribute('aria-current', 'page');

  await drawWithMouse(page, composeNumber(digitsOf('42'), seeded(7)));
  await settled(page);
  await expect(page.getByTestId('number')).toHaveText('42');
  const ink = await inkPixels(page);
  await page.keyboard.press('Control+z');
  await settled(page);
  expect(await inkPixels(page)).toBeLessThan(ink);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('message')).toHaveText('Draw a number');
  await expect(page.getByTestId('digit-box')).toHaveCount(0);
  expect(await inkPixels(page)).toBe(0);
});

test.describe('on a phone', () => {
  test.use({ hasTouch: true, isMobile: true, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });

  test('a number drawn with a finger is read, without scrolling the page', async ({ page }) => {
    await openNumberPage(page);
    const box = await canvasOf(page).boundingBox();
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    const scrollBefore = await page.evaluate(() => window.scrollY);
    await drawWithTouch(page, composeNumber(digitsOf('907'), seeded(3)));
    await settled(page);
    await expect(page.getByTestId('number')).toHaveText('907');
    expect(await page.evaluate(() => window.scrollY)).toBe(scrollBefore);
  });
});
