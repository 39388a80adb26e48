import { useState } from 'react';

/** Whether the reply says the answer waits for review: a digit's `status`, or any of a number's digits'. */
const isHeld = (reply) =>
  reply?.status === 'pending' || (reply?.feedback ?? []).some(({ status }) => status === 'pending');

/**
 * Sending one answer to "Right?": `state.step` is 'ask', 'sending', 'done' (with `held` when the answer waits
 * for review, for any digit of a number) or 'error' (with `message`); `answer(label)` sends `send(predictionId, label)`.
 */
export function useFeedback(predictionId, send) {
  const [state, setState] = useState({ step: 'ask' });

  async function answer(label) {
    setState({ step: 'sending' });
    try {
      const reply = await send(predictionId, label);
      setState({ step: 'done', held: isHeld(reply) });
    } catch (error) {
      // A second answer for the same prediction is already recorded: nothing to fix.
      if (error?.code === 'duplicate_feedback') setState({ step: 'done' });
      else setState({ step: 'error', message: error?.message || 'Could not send your answer.' });
    }
  }

  return { state, answer };
}
