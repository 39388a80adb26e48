import { expect, test } from '@playwright/test';
import { answerOf, canvasOf, drawWithMouse, expectDigit, inkPixels, settled } from './helpers.js';
import { one, scribble, seven, zero, zigzag } from './strokes.js';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(canvasOf(page)).toBeVisible();
});

test('an empty canvas asks for a digit and shows no guess', async ({ page }) => {
  await expect(page.getByTestId('message')).toHaveText('Draw a digit');
  await expect(page.getByTestId('prediction')).toHaveCount(0);
  await expect(canvasOf(page)).toHaveCSS('touch-action', 'none');
  expect(await inkPixels(page)).toBe(0);
});

const DRAWINGS = [
  { digit: 1, name: 'a tall 1 in the middle', strokes: one() },
  { digit: 1, name: 'a short 1 near the right edge', strokes: one({ x: 0.78, top: 0.45, height: 0.4 }) },
  { digit: 0, name: 'a large 0', strokes: zero({ cx: 0.5, cy: 0.5, rx: 0.28, ry: 0.38 }) },
  { digit: 0, name: 'a small 0 in the top left', strokes: zero({ cx: 0.3, cy: 0.3, rx: 0.12, ry: 0.18 }) },
  { digit: 7, name: 'a large 7', strokes: seven() },
  { digit: 7, name: 'a small 7 low on the right', strokes: seven({ left: 0.5, top: 0.45, width: 0.35, height: 0.45 }) },
];

for (const { digit, name, strokes } of DRAWINGS) {
  test(`recognises ${name}`, async ({ page }) => {
    await drawWithMouse(page, strokes);
    await expectDigit(page, digit);
    await expect(page.getByTestId('probabilities').getByRole('listitem')).toHaveCount(10);
    await expect(page.getByTestId('model-input').locator('.digit-grid__cell')).toHaveCount(64);
    await expect(page.getByTestId('message')).toHaveCount(0);
  });
}

test('the answer screenshot', async ({ page }) => {
  await drawWithMouse(page, seven());
  await expectDigit(page, 7);
  await expect(page.getByTestId('neighbors').getByRole('img').first()).toBeVisible();
  await expect(page.getByTestId('feedback')).toBeVisible();
  await page.screenshot({ path: 'test-artifacts/answer.png', fullPage: true });
});

test('a scribble is answered "not sure", still with its best guess, bars and closest digits', async ({ page }) => {
  await drawWithMouse(page, zigzag());
  await expect(page.getByTestId('uncertain')).toContainText('Not sure');
  await expect(page.getByTestId('prediction')).toHaveText(/^[0-9]$/);
  await expect(page.getByTestId('probabilities').getByRole('listitem')).toHaveCount(10);
  await expect(page.getByTestId('neighbors').getByRole('img')).toHaveCount(5); // k=5
});

test('a tap is answered "not sure": a dot is not a digit', async ({ page }) => {
  await drawWithMouse(page, [[[0.5, 0.5]]]);
  await expect(page.getByTestId('uncertain')).toContainText('A dot or a cross is not a digit.');
});

test('a clear digit is not flagged', async ({ page }) => {
  await drawWithMouse(page, one());
  await expectDigit(page, 1);
  await expect(page.getByTestId('neighbors').getByRole('img')).toHaveCount(5); // k=5
  await expect(page.getByTestId('uncertain')).toHaveCount(0);
});

test('Clear and Escape empty the canvas and bring back the prompt', async ({ page }) => {
  await drawWithMouse(page, zero());
  await expectDigit(page, 0);
  await page.getByTestId('clear').click();
  await expect(page.getByTestId('message')).toHaveText('Draw a digit');
  await expect(page.getByTestId('prediction')).toHaveCount(0);
  expect(await inkPixels(page)).toBe(0);

  await drawWithMouse(page, one());
  await expectDigit(page, 1);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('message')).toHaveText('Draw a digit');
  expect(await inkPixels(page)).toBe(0);
});

test('Undo and Ctrl+Z remove the last stroke', async ({ page }) => {
  await drawWithMouse(page, one());
  await expectDigit(page, 1);
  const oneInk = await inkPixels(page);

  await drawWithMouse(page, scribble());
  await settled(page);
  expect(await inkPixels(page)).toBeGreaterThan(oneInk);

  await page.getByTestId('undo').click();
  await expectDigit(page, 1);
  expect(await inkPixels(page)).toBe(oneInk); // repainted from the stroke list

  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('message')).toHaveText('Draw a digit');
  await expect(page.getByTestId('undo')).toBeDisabled();
});

test('a stroke that leaves the canvas ends there', async ({ page }) => {
  const box = await canvasOf(page).boundingBox();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.6, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height + 60, { steps: 5 }); // off the canvas
  await page.mouse.up();
  const ink = await inkPixels(page);
  expect(ink).toBeGreaterThan(0);
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.5);
  await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.5, { steps: 5 }); // no button held
  expect(await inkPixels(page)).toBe(ink);
  await expect(page.getByTestId('undo')).toBeEnabled();
  await settled(page);
});

test('the canvas exports dark ink on a transparent background at device resolution', async ({ browser }) => {
  const context = await browser.newContext({ deviceScaleFactor: 2 });
  const page = await context.newPage();
  await page.goto('/');
  await drawWithMouse(page, one());
  await expectDigit(page, 1);
  const info = await canvasOf(page).evaluate((canvas) => {
    const ctx = canvas.getContext('2d');
    const corner = ctx.getImageData(0, 0, 1, 1).data;
    return { width: canvas.width, cssWidth: canvas.getBoundingClientRect().width, cornerAlpha: corner[3] };
  });
  expect(info.width).toBe(Math.round(info.cssWidth * 2));
  expect(info.cornerAlpha).toBe(0);
  await context.close();
});

test('uploading an image shows its preview and answer', async ({ page }) => {
  await page.getByTestId('upload').setInputFiles('tests/data/seven.png');
  await expect(page.getByRole('img', { name: 'Uploaded image seven.png' })).toBeVisible();
  await expectDigit(page, 7);
});

test('a server error shows a message and the page keeps working', async ({ page }) => {
  await page.route('**/api/predict', (route) =>
    route.fulfill({
      status: 503,
      json: { error: { code: 'model_unavailable', message: 'No model is loaded yet. Try again in a minute.' } },
    }),
  );
  await drawWithMouse(page, one());
  await expect(page.getByRole('alert')).toHaveText('No model is loaded yet. Try again in a minute.');
  await page.unroute('**/api/predict');
  await page.getByTestId('clear').click();
  await drawWithMouse(page, one());
  await expectDigit(page, 1);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(answerOf(page)).toBeVisible();
});

test.describe('on a high-density screen', () => {
  test.use({ deviceScaleFactor: 2 });

  test('the page posts a 280x280 PNG, not the 2x backing store, and still reads the digit', async ({ page }) => {
    const posted = page.waitForRequest((request) => request.url().endsWith('/api/predict'));
    await drawWithMouse(page, seven());
    const { image } = (await posted).postDataJSON();
    const size = await page.evaluate(async (uri) => {
      const bitmap = await createImageBitmap(await (await fetch(uri)).blob());
      return [bitmap.width, bitmap.height];
    }, image);
    expect(size).toEqual([280, 280]);
    const backingStore = await canvasOf(page).evaluate((canvas) => canvas.width);
    expect(backingStore).toBeGreaterThan(280);
    await expectDigit(page, 7);
  });
});
