import { formatPercent } from '../format.js';
import { DigitGrid } from './DigitGrid.jsx';
import { FeedbackRow } from './FeedbackRow.jsx';
import { Neighbors } from './Neighbors.jsx';
import { ProbabilityBars } from './ProbabilityBars.jsx';

export const REASONS = {
  far_from_training_data: "It doesn't look like the digits the model learned from.",
  split_vote: 'It looks like more than one digit.',
  not_a_digit_shape: 'A dot or a cross is not a digit.',
};

/** What stands in the answer's place without one: the `prompt`, or the error as an alert. */
export function AnswerMessage({ answer, prompt }) {
  if (answer.kind === 'prompt') {
    return (
      <p className="answer__message" data-testid="message">
        {prompt}
      </p>
    );
  }
  if (answer.kind === 'error') {
    return (
      <p className="answer__message answer__message--error" role="alert" data-testid="message">
        {answer.message}
      </p>
    );
  }
  return null;
}

/**
 * The model's answer: the digit, the ten probabilities and the 8x8 input, or
 * the prompt / an error. Every part keeps its size when empty, so nothing jumps.
 */
export function AnswerPanel({ answer, busy = false }) {
  const result = answer.kind === 'result' ? answer.result : null;
  const digit = result?.digit;

  return (
    <section className="card answer" aria-labelledby="answer-title" aria-busy={busy}>
      <h2 id="answer-title" className="card__title">
        Answer
      </h2>
      <div className="answer__top">
        <div className="answer__digit-slot" aria-live="polite">
          {result && (
            <span className="answer__digit" data-testid="prediction">
              {digit}
            </span>
          )}
          <AnswerMessage answer={answer} prompt="Draw a digit" />
        </div>
        <div className="answer__summary">
          <div className="answer__status">
            {result && !result.uncertain && (
              <p className="answer__confidence">{formatPercent(result.probabilities?.[digit])} sure</p>
            )}
            {result?.uncertain && (
              <p className="answer__uncertain" data-testid="uncertain">
                Not sure — is this a digit?
                {REASONS[result.reason] && <span className="answer__reason"> {REASONS[result.reason]}</span>}
              </p>
            )}
          </div>
          <figure className="answer__input">
            <DigitGrid values={result?.input} label="The 8 by 8 image the model saw" testId="model-input" />
            <figcaption>What the model saw (8×8)</figcaption>
          </figure>
        </div>
      </div>
      <ProbabilityBars probabilities={result?.probabilities} digit={digit} />
      {result?.neighbors?.length > 0 && <Neighbors neighbors={result.neighbors} />}
      {result && result.prediction_id != null && (
        <FeedbackRow key={result.prediction_id} predictionId={result.prediction_id} digit={digit} />
      )}
    </section>
  );
}
