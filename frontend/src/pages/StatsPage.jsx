import { getStats } from '../api.js';
import { LoadState } from '../components/LoadState.jsx';
import { formatPercent } from '../format.js';
import { useResource } from '../hooks/useResource.js';

const DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

function Totals({ stats }) {
  return (
    <dl className="totals">
      <div>
        <dt>Predictions</dt>
        <dd>{stats.prediction_count}</dd>
      </div>
      <div>
        <dt>Answers from people</dt>
        <dd>{stats.feedback_count}</dd>
      </div>
      <div>
        <dt>Accuracy</dt>
        <dd>{stats.accuracy == null ? 'no answers yet' : formatPercent(stats.accuracy)}</dd>
      </div>
    </dl>
  );
}

/** Rows: the true digit; columns: what the model said. Darker = more often. */
function ConfusionMatrix({ matrix }) {
  const max = Math.max(1, ...matrix.flat());
  return (
    <div className="table-scroll">
      <table className="confusion" data-testid="confusion-matrix">
        <caption>Rows: the digit people said it was. Columns: the model&apos;s answer.</caption>
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">True digit</span>
            </th>
            {DIGITS.map((d) => (
              <th key={d} scope="col">
                {d}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.map((row, truth) => (
            <tr key={truth}>
              <th scope="row">{truth}</th>
              {row.map((count, predicted) => {
                const hue = truth === predicted ? '142 60% 32%' : '2 70% 45%';
                const alpha = count === 0 ? 0 : 0.15 + 0.85 * (count / max);
                return (
                  <td
                    key={predicted}
                    style={{ backgroundColor: `hsl(${hue} / ${alpha})`, color: alpha > 0.55 ? '#fff' : undefined }}
                    aria-label={`${count} times ${truth} was read as ${predicted}`}
                  >
                    {count || ''}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PerDigit({ perDigit }) {
  return (
    <ol className="bars" aria-label="Accuracy for each digit" data-testid="per-digit">
      {perDigit.map(({ digit, count, correct, accuracy }) => (
        <li key={digit} className="bars__row">
          <span className="bars__label">{digit}</span>
          <span className="bars__track">
            <span className="bars__fill" style={{ width: `${(accuracy ?? 0) * 100}%` }} />
          </span>
          <span className="bars__value bars__value--wide">
            {count ? `${formatPercent(accuracy)} (${correct}/${count})` : '–'}
          </span>
        </li>
      ))}
    </ol>
  );
}

export function StatsPage({ load = getStats }) {
  const { status, data, error } = useResource(load);
  return (
    <section className="card page" aria-labelledby="stats-title">
      <h2 id="stats-title" className="card__title">
        Statistics
      </h2>
      {data ? (
        <>
          <Totals stats={data} />
          <div className="stats-grid">
            <div>
              <h3 className="small-title">Confusion matrix</h3>
              <ConfusionMatrix matrix={data.confusion_matrix} />
            </div>
            <div>
              <h3 className="small-title">Accuracy per digit</h3>
              <PerDigit perDigit={data.per_digit} />
            </div>
          </div>
          {data.per_model?.length > 0 && (
            <>
              <h3 className="small-title">Per model version</h3>
              <ul className="plain-list">
                {data.per_model.map((m) => (
                  <li key={m.version}>
                    Version {m.version}: {m.count ? `${formatPercent(m.accuracy)} right of ${m.count}` : 'no answers yet'}
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      ) : (
        <LoadState status={status} error={error} what="statistics" />
      )}
    </section>
  );
}
