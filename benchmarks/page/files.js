// Where the page benchmark reads and writes (kept apart from the config, which clears PARTS when it loads).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const artifacts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-artifacts');

// The digits to draw: `python -m benchmarks.page_strokes` writes them (`make bench-page` does it first).
export const STROKES = path.resolve(process.env.PAGE_STROKES || path.join(artifacts, 'page-strokes.json'));
export const PARTS = path.join(artifacts, 'page-drawn-parts'); // one file per test, merged by report.js
export const RESULT = path.join(artifacts, 'page-drawn.json');
