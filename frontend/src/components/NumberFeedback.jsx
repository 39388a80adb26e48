import { useId, useState } from 'react';
import { sendNumberFeedback } from '../api.js';
import { useFeedback } from '../hooks/useFeedback.js';
import { FeedbackThanks } from './FeedbackRow.jsx';

/**
 * The number typed as the right one, spaces dropped: { number } when it is `length` digits (one for each digit
 * read: the server keeps each digit with its box), else { problem } saying what to type.
 */
export function parseNumber(text, length) {
  const number = text.replace(/\s+/g, '');
  if (!/^[0-9]+$/.test(number)) return { problem: 'Type the number in digits only, 0 to 9.' };
  if (number.length !== length) {
    return { problem: `Type ${length === 1 ? 'one digit' : `${length} digits`}, one for each box on the drawing.` };
  }
  return { number };
}

/** "Right?" for a number: a tick, or the right number typed in digits. */
export function NumberFeedback({ predictionId, number, send = sendNumberFeedback }) {
  const { state, answer } = useFeedback(predictionId, send);
  const [text, setText] = useState('');
  const [problem, setProblem] = useState(null);
  const problemId = useId();

  if (state.step === 'done') return <FeedbackThanks held={state.held} />;

  const disabled = state.step === 'sending';
  const submit = (event) => {
    event.preventDefault();
    const typed = parseNumber(text, number.length);
    setProblem(typed.problem ?? null);
    if (typed.number) answer(typed.number);
  };
  return (
    <div className="feedback" data-testid="feedback">
      <form className="feedback__row" aria-label="Was the answer right?" onSubmit={submit} noValidate>
        <span className="feedback__question">Right?</span>
        <button
          type="button"
          className="feedback__yes"
          aria-label={`Yes, it is ${number}`}
          disabled={disabled}
          onClick={() => answer(number)}
        >
          ✓
        </button>
        <span className="feedback__or">or it was</span>
        <input
          className="feedback__number"
          aria-label="The right number"
          inputMode="numeric"
          autoComplete="off"
          placeholder={number}
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            setProblem(null);
          }}
          aria-invalid={problem !== null}
          aria-describedby={problem ? problemId : undefined}
          data-testid="right-number"
        />
        <button type="submit" disabled={disabled}>
          Send
        </button>
      </form>
      {problem && (
        <p id={problemId} role="alert" className="feedback__error">
          {problem}
        </p>
      )}
      {state.step === 'error' && (
        <p role="alert" className="feedback__error">
          {state.message}
        </p>
      )}
    </div>
  );
}
