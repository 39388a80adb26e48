import { inkGrey } from '../format.js';

const BLANK = Array.from({ length: 8 }, () => Array(8).fill(0));

/** An 8x8 image of values 0..16 drawn as grey squares; `values` null shows an empty grid. */
export function DigitGrid({ values, label, small = false, testId }) {
  const rows = values ?? BLANK;
  const className = `digit-grid${small ? ' digit-grid--small' : ''}`;
  if (!values) return <div className={`${className} digit-grid--empty`} aria-hidden="true" />;
  return (
    <div className={className} role="img" aria-label={label} data-testid={testId}>
      {rows.flatMap((row, r) =>
        row.map((value, c) => (
          <span key={`${r}-${c}`} className="digit-grid__cell" style={{ backgroundColor: inkGrey(value) }} />
        )),
      )}
    </div>
  );
}
