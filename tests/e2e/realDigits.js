// Real handwritten digits (exported by benchmarks/page_strokes.py) drawn with the mouse on the page, as the
// e2e tests and the page benchmark (benchmarks/page/) do it: the same digit is drawn the same way by both.
import fs from 'node:fs';
import { expect } from '@playwright/test';
import { LINE_WIDTH_RATIO } from '../../frontend/src/geometry.js';
import { canvasOf, drawWithMouse, settled } from './helpers.js';

export const HEIGHT_SHARE = [0.35, 0.95]; // the drawn digit's height, ink included, as a share of the canvas
const SPACING = 8; // CSS pixels between mouse events, as a mouse at 125 Hz moving 1,000 px/s

/** The digits of a benchmarks/page_strokes.py export: [{ index, label, strokes }]. */
export function readStrokes(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** A seeded random number generator (mulberry32): numbers in [0, 1), the same for a seed on every run. */
export function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Strokes of unit-box points moved onto the canvas (unit coordinates): the digit's ink, the page's pen width
 * included, a random 35-95 % of the canvas high (less if it would be wider than the canvas), anywhere it fits.
 */
export function placeOnCanvas(strokes, random, pen = LINE_WIDTH_RATIO) {
  const points = strokes.flat();
  const width = Math.max(...points.map(([x]) => x));
  const height = Math.max(...points.map(([, y]) => y));
  const share = HEIGHT_SHARE[0] + random() * (HEIGHT_SHARE[1] - HEIGHT_SHARE[0]);
  const scale = Math.min((share - pen) / height, (1 - pen) / width);
  const left = pen / 2 + random() * (1 - pen - width * scale);
  const top = pen / 2 + random() * (1 - pen - height * scale);
  return strokes.map((stroke) => stroke.map(([x, y]) => [left + x * scale, top + y * scale]));
}

/**
 * Clear the canvas, draw the digit with the mouse at its own seeded size and place, and wait for the answer to
 * the finished drawing: { shown (the digit on screen, null without one), flagged ("Not sure" on screen) }.
 */
export async function drawRealDigit(page, { index, strokes }) {
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('message')).toHaveText('Draw a digit');
  await drawWithMouse(page, placeOnCanvas(strokes, seeded(index)), { spacing: SPACING });
  await settled(page);
  const prediction = page.getByTestId('prediction');
  const shown = (await prediction.count()) > 0 ? Number(await prediction.textContent()) : null;
  return { shown, flagged: (await page.getByTestId('uncertain').count()) > 0 };
}

/** Wait for the canvas on a freshly opened page. */
export async function openDrawingPage(page) {
  await page.goto('/');
  await expect(canvasOf(page)).toBeVisible();
}
