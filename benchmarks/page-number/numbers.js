// The numbers the benchmark draws: COUNT numbers of 2 to 6 digits (as many of each length), made of the validation
// digits in a seeded random order, each digit used once before any is used again.
import { seeded } from '../../tests/e2e/realDigits.js';
import { LENGTHS } from './files.js';

const SEED = 2026;

/** A copy of `items` in a random order (Fisher-Yates with `random`). */
function shuffled(items, random) {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/** [{ position, digits, seed }]: `count` numbers of validation `digits` ({ index, label, strokes }). */
export function benchmarkNumbers(digits, count) {
  const order = shuffled(digits, seeded(SEED));
  let next = 0;
  return Array.from({ length: count }, (_, position) => {
    const length = LENGTHS[position % LENGTHS.length];
    const picked = Array.from({ length }, () => order[next++ % order.length]);
    return { position, digits: picked, seed: SEED + position };
  });
}
