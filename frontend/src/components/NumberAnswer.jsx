import { formatPercent } from '../format.js';
import { AnswerMessage, REASONS } from './AnswerPanel.jsx';
import { NumberFeedback } from './NumberFeedback.jsx';

/** Each digit of the number, left to right, with how sure the model is of it (or why it is not). */
function DigitList({ digits }) {
  return (
    <ol className="number-digits" aria-label="Each digit, left to right">
      {digits.map(({ digit, probabilities, uncertain, reason }, i) => (
        <li
          key={i}
          className={`number-digits__item${uncertain ? ' number-digits__item--uncertain' : ''}`}
          data-testid="number-digit"
        >
          <span className="number-digits__digit">{digit}</span>
          {uncertain ? (
            <span className="number-digits__note">Not sure{REASONS[reason] ? `: ${REASONS[reason]}` : ''}</span>
          ) : (
            <span className="number-digits__note">{formatPercent(probabilities?.[digit])} sure</span>
          )}
        </li>
      ))}
    </ol>
  );
}

/**
 * The number read from the drawing, large, with the digits the model is not sure of marked; then each digit
 * and "Right?". The prompt or an error when there is no answer.
 */
export function NumberAnswer({ answer, busy = false }) {
  const result = answer.kind === 'result' ? answer.result : null;
  const digits = result?.digits ?? [];

  return (
    <section className="card answer number-answer" aria-labelledby="answer-title" aria-busy={busy}>
      <h2 id="answer-title" className="card__title">
        Answer
      </h2>
      <div className="number-answer__slot" aria-live="polite">
        {result && (
          <span className="number-answer__number" data-testid="number">
            {digits.length > 0
              ? digits.map(({ digit, uncertain }, i) => (
                  <span key={i} className={uncertain ? 'number-answer__unsure' : undefined}>
                    {digit}
                  </span>
                ))
              : result.number}
          </span>
        )}
        <AnswerMessage answer={answer} prompt="Draw a number" />
      </div>
      <div className="answer__status">
        {result && !result.uncertain && <p className="answer__confidence">Sure of every digit</p>}
        {result?.uncertain && (
          <p className="answer__uncertain" data-testid="uncertain">
            Not sure of every digit: check the ones marked.
          </p>
        )}
      </div>
      {digits.length > 0 && <DigitList digits={digits} />}
      {result && result.prediction_id != null && (
        <NumberFeedback key={result.prediction_id} predictionId={result.prediction_id} number={result.number} />
      )}
    </section>
  );
}
