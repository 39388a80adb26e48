import { expect, test } from '@playwright/test';
import { canvasOf, drawWithTouch, expectDigit, inkPixels } from './helpers.js';
import { one, seven } from './strokes.js';

// A phone: touch screen, narrow viewport, high-DPI.
test.use({ hasTouch: true, isMobile: true, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });

test('drawing with a finger recognises the digit and does not scroll the page', async ({ page }) => {
  await page.goto('/');
  const box = await canvasOf(page).boundingBox();
  expect(box.width).toBeGreaterThan(250); // the canvas fills most of a phone's width
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  const scrollBefore = await page.evaluate(() => window.scrollY);
  await drawWithTouch(page, seven());
  await expectDigit(page, 7);
  expect(await page.evaluate(() => window.scrollY)).toBe(scrollBefore);
  await page.screenshot({ path: 'test-artifacts/phone.png', fullPage: true });
});

test('a finger stroke is undone like a mouse stroke', async ({ page }) => {
  await page.goto('/');
  await drawWithTouch(page, one());
  await expectDigit(page, 1);
  expect(await inkPixels(page)).toBeGreaterThan(0);
  await page.getByTestId('undo').click(); // not tap(): a loaded machine can stretch a tap into a long press
  await expect(page.getByTestId('message')).toHaveText('Draw a digit');
  expect(await inkPixels(page)).toBe(0);
});
