/** A probability (0..1) as a short percentage: "93%", "<1%" for tiny non-zero values. */
export function formatPercent(p) {
  if (p === null || p === undefined || Number.isNaN(p)) return '–';
  if (p > 0 && p < 0.005) return '<1%';
  return `${Math.round(p * 100)}%`;
}

/** A model-input value (0 = blank .. 16 = full ink) as a CSS grey. */
export function inkGrey(value) {
  const v = Math.min(16, Math.max(0, Number(value) || 0));
  const level = Math.round(255 - (v / 16) * 255);
  return `rgb(${level}, ${level}, ${level})`;
}
