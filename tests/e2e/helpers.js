import { expect } from '@playwright/test';

export const canvasOf = (page) => page.getByTestId('digit-canvas');
export const answerOf = (page) => page.getByRole('region', { name: 'Answer' });

/**
 * Draw strokes (unit coordinates) with the mouse, as a person would: press, move, release. With `spacing`
 * (CSS pixels), a move from one point to the next reports a mouse position at least that often on the way.
 */
export async function drawWithMouse(page, strokes, { spacing = Infinity } = {}) {
  const box = await canvasOf(page).boundingBox();
  const at = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
  for (const stroke of strokes) {
    await page.mouse.move(...at(stroke[0]));
    await page.mouse.down();
    for (const [from, to] of stroke.slice(1).map((point, i) => [at(stroke[i]), at(point)])) {
      const steps = Math.max(1, Math.ceil(Math.hypot(to[0] - from[0], to[1] - from[1]) / spacing));
      await page.mouse.move(...to, { steps });
    }
    await page.mouse.up();
  }
}

/** Draw strokes with a finger through Chromium's touch input (pointerType 'touch'). */
export async function drawWithTouch(page, strokes) {
  const cdp = await page.context().newCDPSession(page);
  const box = await canvasOf(page).boundingBox();
  const touch = (type, [x, y]) =>
    cdp.send('Input.dispatchTouchEvent', {
      type,
      touchPoints: type === 'touchEnd' ? [] : [{ x: box.x + x * box.width, y: box.y + y * box.height, id: 1 }],
    });
  for (const stroke of strokes) {
    await touch('touchStart', stroke[0]);
    for (const point of stroke.slice(1)) await touch('touchMove', point);
    await touch('touchEnd', stroke.at(-1));
  }
  await cdp.detach();
}

/** Wait until the answer shown belongs to the current drawing. */
export async function settled(page) {
  await expect(answerOf(page)).toHaveAttribute('aria-busy', 'false');
}

/** How many canvas pixels carry ink (non-zero alpha). */
export function inkPixels(page) {
  return canvasOf(page).evaluate((canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let count = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) count += 1;
    return count;
  });
}

export async function expectDigit(page, digit) {
  await settled(page);
  await expect(page.getByTestId('prediction')).toHaveText(String(digit));
}
