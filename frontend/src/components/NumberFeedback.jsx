import { useId, useState } from 'react';
import { sendNumberFeedback } from '../api.js';
import { useFeedback } from '../hooks/useFeedback.js';
import { FeedbackThanks } from './FeedbackRow.jsx';

export const MAX_DIGITS = 12; // the longest number the server reads

/** The number typed as the right one: its digits (spaces dropped), or null unless 1 to MAX_DIGITS digits. */
export function parseNumber(text) {
  const digits = text.replace(/\s+/g, '');
  return new RegExp(`^[0-9]{1,${MAX_DIGITS}}$`).test(digits) ? digits : null;
}

/** "Right?" for a number: a tick, or the right number typed in digits. */
export function NumberFeedback({ predictionId, number, send = sendNumberFeedback }) {
  const { state, answer } = useFeedback(predictionId, send);
  const [text, setText] = useState('');
  const [invalid, setInvalid] = useState(false);
  const problemId = useId();

  if (state.step === 'done') return <FeedbackThanks held={state.held} />;

  const disabled = state.step === 'sending';
  const submit = (event) => {
    event.preventDefault();
    const right = parseNumber(text);
    setInvalid(right === null);
    if (right !== null) answer(right);
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
            setInvalid(false);
          }}
          aria-invalid={invalid}
          aria-describedby={invalid ? problemId : undefined}
          data-testid="right-number"
        />
        <button type="submit" disabled={disabled}>
          Send
        </button>
      </form>
      {invalid && (
        <p id={problemId} role="alert" className="feedback__error">
          Type the number in digits only, 1 to {MAX_DIGITS} of them.
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
