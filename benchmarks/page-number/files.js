// Where the number page benchmark reads and writes (kept apart from the config, which clears PARTS when it loads).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const artifacts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-artifacts');

// The validation digits to compose numbers from: `python -m benchmarks.page_strokes` writes them (`make
// bench-page-number` does it first, with every validation digit).
export const STROKES = path.resolve(process.env.NUMBER_STROKES || path.join(artifacts, 'number-strokes.json'));
export const COUNT = Number(process.env.PAGE_NUMBERS || 150); // numbers drawn, as many of each length
export const LENGTHS = [2, 3, 4, 5, 6];
export const PARTS = path.join(artifacts, 'number-drawn-parts'); // one file per test, merged by report.js
export const RESULT = path.join(artifacts, 'number-drawn.json');
