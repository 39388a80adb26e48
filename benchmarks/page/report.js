// The page benchmark's global teardown: merge what the tests recorded into test-artifacts/page-drawn.json
// (benchmarks/page_drawn.py reads it back) and print the figures.
import fs from 'node:fs';
import path from 'node:path';
import { PARTS, RESULT, STROKES } from './files.js';

export const percent = (count, total) => (total ? `${((100 * count) / total).toFixed(1)} %` : '—');
export const share = (count, total) => `${percent(count, total)} (${count} of ${total})`;
const right = (drawings) => drawings.filter(({ label, shown }) => shown === label).length;

/** What the tests wrote into the folder `parts`, in the order drawn. */
export function readParts(parts = PARTS) {
  if (!fs.existsSync(parts)) return [];
  return fs
    .readdirSync(parts)
    .flatMap((file) => JSON.parse(fs.readFileSync(path.join(parts, file), 'utf8')))
    .sort((a, b) => a.position - b.position);
}

function printFigures(drawings, expected) {
  const flagged = drawings.filter((drawing) => drawing.flagged);
  const unflagged = drawings.filter((drawing) => !drawing.flagged);
  const lines = [
    '',
    `Real validation digits drawn with the mouse on the page: ${drawings.length} of ${expected} drawn`,
    `Read right: ${share(right(drawings), drawings.length)}`,
    `Per digit: ${Array.from({ length: 10 }, (_, digit) => {
      const ofDigit = drawings.filter(({ label }) => label === digit);
      return `${digit} ${percent(right(ofDigit), ofDigit.length)}`;
    }).join(', ')}`,
    `Per page size: ${['desktop', 'phone']
      .map((viewport) => {
        const onIt = drawings.filter((drawing) => drawing.viewport === viewport);
        return `${viewport} ${share(right(onIt), onIt.length)}`;
      })
      .join(', ')}`,
    `Flagged "Not sure": ${share(flagged.length, drawings.length)}`,
    `Read right among the answers not flagged: ${share(right(unflagged), unflagged.length)}`,
    `Misread (digit -> shown): ${
      drawings
        .filter(({ label, shown }) => shown !== label)
        .map(({ label, shown, flagged: doubt }) => `${label}->${shown ?? 'none'}${doubt ? '?' : ''}`)
        .join(' ') || 'none'
    } (? = flagged)`,
    `Saved ${path.relative(process.cwd(), RESULT)}`,
  ];
  console.log(lines.join('\n'));
}

export default function report() {
  const drawings = readParts();
  const expected = JSON.parse(fs.readFileSync(STROKES, 'utf8')).length;
  fs.writeFileSync(RESULT, JSON.stringify({ strokes: path.basename(STROKES), drawings }));
  printFigures(drawings, expected);
}
