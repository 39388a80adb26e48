import { sendFeedback } from '../api.js';
import { useFeedback } from '../hooks/useFeedback.js';

const DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/** The thanks once an answer is recorded; `held` when it waits for review before a model learns from it. */
export function FeedbackThanks({ held }) {
  return (
    <div className="feedback" data-testid="feedback">
      <p role="status" className="feedback__thanks">
        {held
          ? 'Thank you! Someone will check it before the next model learns from it.'
          : 'Thank you! That helps the next model learn.'}
      </p>
    </div>
  );
}

/** "Right?" with a tick, or the ten digits to say which one it really was. */
export function FeedbackRow({ predictionId, digit, send = sendFeedback }) {
  const { state, answer } = useFeedback(predictionId, send);

  if (state.step === 'done') return <FeedbackThanks held={state.held} />;

  const disabled = state.step === 'sending';
  return (
    <div className="feedback" data-testid="feedback">
      <div className="feedback__row" role="group" aria-label="Was the answer right?">
        <span className="feedback__question">Right?</span>
        <button
          type="button"
          className="feedback__yes"
          aria-label={`Yes, it is a ${digit}`}
          disabled={disabled}
          onClick={() => answer(digit)}
        >
          ✓
        </button>
        <span className="feedback__or">or it was</span>
        <span className="feedback__digits">
          {DIGITS.map((d) => (
            <button key={d} type="button" aria-label={`It was a ${d}`} disabled={disabled} onClick={() => answer(d)}>
              {d}
            </button>
          ))}
        </span>
      </div>
      {state.step === 'error' && (
        <p role="alert" className="feedback__error">
          {state.message}
        </p>
      )}
    </div>
  );
}
