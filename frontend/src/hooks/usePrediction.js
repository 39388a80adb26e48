import { useCallback, useEffect, useRef, useState } from 'react';
import { predict as postPredict } from '../api.js';
import { createLatestOnly } from '../scheduler.js';
import { throttle } from '../throttle.js';

export const PROMPT = { kind: 'prompt' };

/** What the answer panel shows for a failed request: empty_image is just the prompt again. */
export function answerForError(error) {
  if (error?.code === 'empty_image') return PROMPT;
  return { kind: 'error', message: error?.message || 'Something went wrong. Please try again.' };
}

/** Previews while a stroke is drawn are not stored; the answer when the pen lifts is, so "Right?" can refer to it. */
export const PREVIEW = { store: false };

/**
 * The live answer for the newest image. `show(getImage, { now })` marks a new
 * revision and asks for a prediction (throttled unless `now`); `getImage()` is
 * read when the request is actually sent. Throttled requests are previews, sent
 * with PREVIEW; `now` ones are stored. `reset()` goes back to the prompt.
 */
export function usePrediction({ predict = postPredict, interval = 250 } = {}) {
  const [answer, setAnswer] = useState(PROMPT);
  const [busy, setBusy] = useState(false);
  const revision = useRef(0);
  const source = useRef(null);

  const [{ scheduler, throttled }] = useState(() => {
    const latestOnly = createLatestOnly({
      // While a stroke goes on, a reply can be for the drawing of a moment ago: show it
      // (that is the live answer) but stay busy until the current drawing's answer is in.
      deliver: ({ revision: answered, ok, value, error }) => {
        setBusy(answered !== revision.current);
        setAnswer(ok ? { kind: 'result', result: value } : answerForError(error));
      },
    });
    const send = () => {
      const getImage = source.current;
      latestOnly.submit(revision.current, () => predict(getImage(), PREVIEW));
    };
    return { scheduler: latestOnly, throttled: throttle(send, interval) };
  });

  useEffect(() => () => throttled.cancel(), [throttled]);

  const show = useCallback(
    (getImage, { now = false } = {}) => {
      revision.current += 1;
      source.current = getImage;
      setBusy(true);
      if (now) {
        throttled.cancel();
        const current = revision.current;
        scheduler.submit(current, () => predict(getImage()));
      } else {
        throttled();
      }
    },
    [predict, scheduler, throttled],
  );

  const reset = useCallback(() => {
    revision.current += 1;
    throttled.cancel();
    scheduler.invalidate(revision.current);
    setBusy(false);
    setAnswer(PROMPT);
  }, [scheduler, throttled]);

  return { answer, busy, show, reset };
}
