// The number page benchmark (`make bench-page-number`): numbers of 2 to 6 real validation digits drawn with the
// mouse in the page's Number mode, each laid out by its own seed; records what the page showed.
import fs from 'node:fs';
import path from 'node:path';
import { test } from '@playwright/test';
import { readStrokes } from '../../tests/e2e/realDigits.js';
import { drawRealNumber, numberOf, openNumberPage } from '../../tests/e2e/realNumbers.js';
import { COUNT, PARTS, STROKES } from './files.js';
import { benchmarkNumbers } from './numbers.js';

const CHUNK = 10; // numbers per test: the two workers share the tests
const PHONE_EVERY = 4; // every 4th number is drawn on a phone-sized page
const VIEWPORTS = {
  desktop: {}, // the project's Desktop Chrome: 1280x720
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 },
};

const numbers = benchmarkNumbers(readStrokes(STROKES), COUNT).map((number) => ({
  ...number,
  viewport: number.position % PHONE_EVERY === PHONE_EVERY - 1 ? 'phone' : 'desktop',
}));

for (const [viewport, options] of Object.entries(VIEWPORTS)) {
  const share = numbers.filter((number) => number.viewport === viewport);
  test.describe(viewport, () => {
    test.use(options);
    for (let start = 0; start < share.length; start += CHUNK) {
      const chunk = share.slice(start, start + CHUNK);
      test(`numbers ${start + 1}-${start + chunk.length} of ${share.length}`, async ({ page }) => {
        await openNumberPage(page);
        const drawn = [];
        for (const { position, digits, seed } of chunk) {
          const { shown, flagged, waited } = await drawRealNumber(page, digits, seed);
          const indices = digits.map(({ index }) => index);
          drawn.push({ position, indices, number: numberOf(digits), viewport, shown, flagged, waited });
        }
        fs.mkdirSync(PARTS, { recursive: true });
        fs.writeFileSync(path.join(PARTS, `${viewport}-${start}.json`), JSON.stringify(drawn));
      });
    }
  });
}
