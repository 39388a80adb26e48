// The page benchmark (`make bench-page`): real validation digits drawn with the mouse on the page, each at its
// own seeded size and place; records what the page showed and the PNG it posted for the finished drawing.
import fs from 'node:fs';
import path from 'node:path';
import { test } from '@playwright/test';
import { drawRealDigit, openDrawingPage, readStrokes } from '../../tests/e2e/realDigits.js';
import { PARTS, STROKES } from './files.js';

const CHUNK = 25; // digits per test: the two workers share the tests
const PHONE_EVERY = 4; // every 4th digit is drawn on a phone-sized page
const VIEWPORTS = {
  desktop: {}, // the project's Desktop Chrome: 1280x720
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 },
};

const digits = readStrokes(STROKES).map((digit, position) => ({
  ...digit,
  position,
  viewport: position % PHONE_EVERY === PHONE_EVERY - 1 ? 'phone' : 'desktop',
}));

/** Follow the page's POST /api/predict requests: `last()` is the image of the newest. */
function postedImages(page) {
  let image = null;
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().endsWith('/api/predict')) image = request.postDataJSON().image;
  });
  return { last: () => image, forget: () => (image = null) };
}

for (const [viewport, options] of Object.entries(VIEWPORTS)) {
  const share = digits.filter((digit) => digit.viewport === viewport);
  test.describe(viewport, () => {
    test.use(options);
    for (let start = 0; start < share.length; start += CHUNK) {
      const chunk = share.slice(start, start + CHUNK);
      test(`digits ${start + 1}-${start + chunk.length} of ${share.length}`, async ({ page }) => {
        const posted = postedImages(page);
        await openDrawingPage(page);
        const drawn = [];
        for (const { position, index, label, strokes } of chunk) {
          posted.forget();
          const { shown, flagged } = await drawRealDigit(page, { index, strokes });
          drawn.push({ position, index, label, viewport, shown, flagged, image: posted.last() });
        }
        fs.mkdirSync(PARTS, { recursive: true });
        fs.writeFileSync(path.join(PARTS, `${viewport}-${start}.json`), JSON.stringify(drawn));
      });
    }
  });
}
