/** A probability (0..1) as a short percentage: "93%", "<1%" for tiny non-zero values; `decimals` for "96.2%". */
export function formatPercent(p, decimals = 0) {
  if (p === null || p === undefined || Number.isNaN(p)) return '–';
  if (decimals > 0) return `${(p * 100).toFixed(decimals)}%`;
  if (p > 0 && p < 0.005) return '<1%';
  return `${Math.round(p * 100)}%`;
}

/** A model-input value (0 = blank .. 16 = full ink) as a CSS grey. */
export function inkGrey(value) {
  const v = Math.min(16, Math.max(0, Number(value) || 0));
  const level = Math.round(255 - (v / 16) * 255);
  return `rgb(${level}, ${level}, ${level})`;
}
