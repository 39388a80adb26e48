// Numbers made of real handwritten digits (benchmarks/page_strokes.py exports) drawn with the mouse in the page's
// Number mode, as the e2e tests and the number page benchmark (benchmarks/page-number/) do it.
import { expect } from '@playwright/test';
import { LINE_WIDTH_RATIO, NUMBER_ASPECT } from '../../frontend/src/geometry.js';
import { drawWithMouse, settled } from './helpers.js';
import { seeded } from './realDigits.js';

// In heights of the canvas (its height is 1, its width NUMBER_ASPECT), as people write a number across it.
const HEIGHT = [0.4, 0.75]; // a digit's height
const SIZE_JITTER = 0.1; // each digit's height differs from the number's by up to this share
const BASELINE_JITTER = 0.05; // each digit's baseline moves by up to this share of the height
const SLANT = [-0.15, 0.15]; // x shift per unit of height, for the number; each digit's differs a little
const SLANT_JITTER = 0.05;
const GAP = [0.08, 0.6]; // ink between neighbours, as a share of the digit height: from just apart to wide
const SPACING = 8; // CSS pixels between mouse events, as realDigits.js draws

const between = (random, [low, high]) => low + random() * (high - low);
const jitter = (random, amount) => (2 * random() - 1) * amount;

/** A digit's unit-box strokes slanted and scaled to `height`, its bottom-left at (0, 0): [[x, y], ...] lists. */
function shaped(strokes, height, slant) {
  const points = strokes.flat();
  const bottom = Math.max(...points.map(([, y]) => y));
  const scale = height / bottom;
  const sheared = strokes.map((stroke) => stroke.map(([x, y]) => [(x - slant * (y - bottom)) * scale, (y - bottom) * scale]));
  const left = Math.min(...sheared.flat().map(([x]) => x));
  return sheared.map((stroke) => stroke.map(([x, y]) => [x - left, y]));
}

/**
 * The digits' strokes (unit boxes, as page_strokes.py exports them) side by side on the Number canvas, in its unit
 * coordinates: each digit with its own small changes of size, baseline and slant around the number's, gaps from
 * just apart to wide, the whole scaled down if it would not fit, anywhere it fits. The page's pen is included.
 */
export function composeNumber(digits, random, { aspect = NUMBER_ASPECT, pen = LINE_WIDTH_RATIO } = {}) {
  const height = between(random, HEIGHT);
  const slant = between(random, SLANT);
  const placed = [];
  let x = 0;
  for (const { strokes } of digits) {
    const size = height * (1 + jitter(random, SIZE_JITTER));
    const lines = shaped(strokes, size, slant + jitter(random, SLANT_JITTER));
    const baseline = jitter(random, BASELINE_JITTER) * height;
    if (placed.length) x += pen + between(random, GAP) * height;
    placed.push(...lines.map((line) => line.map(([px, py]) => [x + px, baseline + py])));
    x += Math.max(...lines.flat().map(([px]) => px));
  }
  const points = placed.flat();
  const [left, right] = [Math.min(...points.map(([px]) => px)), Math.max(...points.map(([px]) => px))];
  const [top, bottom] = [Math.min(...points.map(([, py]) => py)), Math.max(...points.map(([, py]) => py))];
  const scale = Math.min(1, (aspect - 2 * pen) / (right - left), (1 - 2 * pen) / (bottom - top));
  const offsetX = pen + random() * (aspect - 2 * pen - (right - left) * scale);
  const offsetY = pen + random() * (1 - 2 * pen - (bottom - top) * scale);
  return placed.map((line) =>
    line.map(([px, py]) => [(offsetX + (px - left) * scale) / aspect, offsetY + (py - top) * scale]),
  );
}

/** Go to Number mode and wait for its canvas. */
export async function openNumberPage(page) {
  await page.goto('/number');
  await expect(page.getByRole('img', { name: /write a number/ })).toBeVisible();
}

/** Milliseconds the page's newest POST /api/predict/number took, from the browser's resource timing. */
function lastRequestTime(page) {
  return page.evaluate(() => {
    const requests = performance.getEntriesByType('resource').filter(({ name }) => name.endsWith('/api/predict/number'));
    return requests.at(-1)?.duration ?? null;
  });
}

/**
 * Clear the canvas, draw the digits side by side with the mouse (laid out by `seed`) and wait for the answer to the
 * finished drawing: { shown (the number on screen, null without one), flagged ("Not sure" on screen), waited (ms
 * the request for the finished drawing took) }.
 */
export async function drawRealNumber(page, digits, seed) {
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('message')).toHaveText('Draw a number');
  await drawWithMouse(page, composeNumber(digits, seeded(seed)), { spacing: SPACING });
  await settled(page);
  const number = page.getByTestId('number');
  const shown = (await number.count()) > 0 ? await number.textContent() : null;
  const flagged = (await page.getByTestId('uncertain').count()) > 0;
  return { shown, flagged, waited: await lastRequestTime(page) };
}

/** The number the digits make: their labels in a row. */
export const numberOf = (digits) => digits.map(({ label }) => label).join('');
