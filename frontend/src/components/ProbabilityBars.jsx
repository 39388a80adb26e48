import { formatPercent } from '../format.js';

const DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/** One bar per digit; with no probabilities it keeps the same size, empty. */
export function ProbabilityBars({ probabilities, digit }) {
  if (!probabilities) {
    return (
      <ol className="bars bars--empty" aria-hidden="true">
        {DIGITS.map((d) => (
          <li key={d} className="bars__row">
            <span className="bars__label">{d}</span>
            <span className="bars__track" />
            <span className="bars__value" />
          </li>
        ))}
      </ol>
    );
  }
  return (
    <ol className="bars" aria-label="Probability of each digit" data-testid="probabilities">
      {DIGITS.map((d) => {
        const p = probabilities[d] ?? 0;
        return (
          <li key={d} className={`bars__row${d === digit ? ' bars__row--best' : ''}`}>
            <span className="bars__label">{d}</span>
            <span className="bars__track">
              <span className="bars__fill" style={{ width: `${Math.max(0, Math.min(1, p)) * 100}%` }} />
            </span>
            <span className="bars__value">{formatPercent(p)}</span>
          </li>
        );
      })}
    </ol>
  );
}
