// The number page benchmark's global teardown: merge what the tests recorded into test-artifacts/number-drawn.json
// and print the figures.
import fs from 'node:fs';
import path from 'node:path';
import { percent, readParts, share } from '../page/report.js';
import { COUNT, LENGTHS, PARTS, RESULT, STROKES } from './files.js';

const right = (numbers) => numbers.filter(({ number, shown }) => shown === number).length;

/** Digits read right in place; a number read with the wrong count of digits has none right. */
function digitsRight({ number, shown }) {
  if (shown === null || shown.length !== number.length) return 0;
  return [...number].filter((digit, i) => shown[i] === digit).length;
}

/** The `share` (0..1) quantile of the values, nearest rank. */
function quantile(values, share) {
  const sorted = values.filter((value) => value !== null).sort((a, b) => a - b);
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)];
}

const milliseconds = (value) => (value === null ? '—' : `${Math.round(value)} ms`);

function printFigures(numbers) {
  const digits = numbers.reduce((sum, { number }) => sum + number.length, 0);
  const miscounted = numbers.filter(({ number, shown }) => (shown ?? '').length !== number.length);
  const unflagged = numbers.filter(({ flagged }) => !flagged);
  const waits = numbers.map(({ waited }) => waited);
  const lines = [
    '',
    `Numbers of real validation digits drawn with the mouse in Number mode: ${numbers.length} of ${COUNT} drawn`,
    `Whole number read right: ${share(right(numbers), numbers.length)} (target ≥ 90 %)`,
    `By length: ${LENGTHS.map((length) => {
      const ofLength = numbers.filter(({ number }) => number.length === length);
      return `${length} digits ${percent(right(ofLength), ofLength.length)}`;
    }).join(', ')}`,
    `Digits read right in place: ${share(numbers.reduce((sum, number) => sum + digitsRight(number), 0), digits)}`,
    `Read with the wrong count of digits: ${share(miscounted.length, numbers.length)}`,
    `Per page size: ${['desktop', 'phone']
      .map((viewport) => {
        const onIt = numbers.filter((number) => number.viewport === viewport);
        return `${viewport} ${share(right(onIt), onIt.length)}`;
      })
      .join(', ')}`,
    `Flagged "Not sure": ${share(numbers.length - unflagged.length, numbers.length)}; read right among the answers not flagged: ${share(right(unflagged), unflagged.length)}`,
    `Request for the finished drawing (browser resource timing): p50 ${milliseconds(quantile(waits, 0.5))}, p99 ${milliseconds(quantile(waits, 0.99))}`,
    `Misread (number -> shown): ${
      numbers
        .filter(({ number, shown }) => shown !== number)
        .map(({ number, shown, flagged }) => `${number}->${shown ?? 'none'}${flagged ? '?' : ''}`)
        .join(' ') || 'none'
    } (? = flagged)`,
    `Saved ${path.relative(process.cwd(), RESULT)}`,
  ];
  console.log(lines.join('\n'));
}

export default function report() {
  const numbers = readParts(PARTS);
  fs.writeFileSync(RESULT, JSON.stringify({ strokes: path.basename(STROKES), numbers }));
  printFigures(numbers);
}
