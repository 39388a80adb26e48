import { useState } from 'react';
import { listFeedback, reviewFeedback } from '../api.js';
import { formatPercent } from '../format.js';
import { DigitGrid } from './DigitGrid.jsx';

const DECISIONS = [
  ['accepted', 'Accept'],
  ['rejected', 'Reject'],
];

/**
 * Feedback held for review (admin): corrections of answers the model was sure of. Each shows the 8x8
 * input, the label given and what the model said; accepted feedback is trained on, rejected never is.
 */
export function ReviewList({ token, load = listFeedback, review = reviewFeedback }) {
  const [state, setState] = useState({ data: null, busy: false, error: null });

  async function run(call) {
    if (!token) {
      setState((old) => ({ ...old, error: 'Enter the admin token first.' }));
      return;
    }
    setState((old) => ({ ...old, busy: true, error: null }));
    try {
      await call();
      const data = await load(token, { status: 'pending' });
      setState({ data, busy: false, error: null });
    } catch (e) {
      setState((old) => ({ ...old, busy: false, error: e.message }));
    }
  }

  const decide = (ids, status) => run(() => review(token, ids, status));
  const items = state.data?.feedback ?? [];
  const counts = state.data?.counts;

  return (
    <div className="review" data-testid="review">
      <p>
        <button type="button" disabled={state.busy} onClick={() => run(async () => {})}>
          {state.data ? 'Refresh' : 'Show feedback held for review'}
        </button>
      </p>
      {counts && (
        <p className="muted" data-testid="review-counts">
          {counts.pending} waiting for review, {counts.accepted} accepted, {counts.rejected} rejected
        </p>
      )}
      {state.data && items.length === 0 && <p className="muted">Nothing waits for review.</p>}
      {items.length > 0 && (
        <>
          <ul className="review__list">
            {items.map((item) => (
              <li key={item.id} className="review__item">
                <DigitGrid values={item.input} small label={`Feedback ${item.id} as the model saw it`} />
                <span>
                  Labelled <strong>{item.label}</strong>; the model said {item.predicted} (
                  {formatPercent(item.confidence)})
                  {item.client && <span className="muted"> · client {item.client.slice(0, 8)}</span>}
                </span>
                <span className="review__actions">
                  {DECISIONS.map(([status, verb]) => (
                    <button
                      key={status}
                      type="button"
                      aria-label={`${verb} feedback ${item.id}`}
                      disabled={state.busy}
                      onClick={() => decide([item.id], status)}
                    >
                      {verb}
                    </button>
                  ))}
                </span>
              </li>
            ))}
          </ul>
          <p className="review__actions">
            {DECISIONS.map(([status, verb]) => (
              <button
                key={status}
                type="button"
                disabled={state.busy}
                onClick={() => decide(items.map((i) => i.id), status)}
              >
                {verb} all shown
              </button>
            ))}
          </p>
        </>
      )}
      {state.error && (
        <p role="alert" className="error">
          {state.error}
        </p>
      )}
    </div>
  );
}
