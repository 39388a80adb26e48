import { act, renderHook } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api.js';
import { PREVIEW, PROMPT, answerForError, usePrediction } from '../../hooks/usePrediction.js';

const reply = (digit) => ({ digit, probabilities: [], input: [] });

describe('usePrediction', () => {
  beforeEach(() => vi.useFakeTimers());

  it('throttles previews while drawing, unstored, and always sends the newest image', async () => {
    const predict = vi.fn(async (image) => reply(Number(image)));
    const { result } = renderHook(() => usePrediction({ predict, interval: 250 }));
    await act(async () => {
      result.current.show(() => '1');
      result.current.show(() => '2');
      result.current.show(() => '3');
    });
    expect(predict.mock.calls).toEqual([['1', PREVIEW]]);
    expect(result.current.busy).toBe(true);
    await act(async () => vi.advanceTimersByTime(250));
    expect(predict.mock.calls).toEqual([['1', PREVIEW], ['3', PREVIEW]]);
    expect(PREVIEW).toEqual({ store: false });
    expect(result.current.answer).toEqual({ kind: 'result', result: reply(3) });
    expect(result.current.busy).toBe(false);
  });

  it('sends at once, stored, when the pen lifts, dropping the throttled preview', async () => {
    const predict = vi.fn(async (image) => reply(Number(image)));
    const { result } = renderHook(() => usePrediction({ predict }));
    await act(async () => {
      result.current.show(() => '1');
      result.current.show(() => '2');
      result.current.show(() => '7', { now: true });
    });
    await act(async () => vi.advanceTimersByTime(1000));
    expect(predict.mock.calls).toEqual([['1', PREVIEW], ['7']]);
    expect(result.current.answer.result.digit).toBe(7);
  });

  it('goes back to the prompt on reset and ignores the reply in flight', async () => {
    let finish;
    const predict = vi.fn(() => new Promise((resolve) => (finish = resolve)));
    const { result } = renderHook(() => usePrediction({ predict }));
    await act(async () => result.current.show(() => 'x', { now: true }));
    await act(async () => result.current.reset());
    await act(async () => finish(reply(4)));
    expect(result.current.answer).toBe(PROMPT);
    expect(result.current.busy).toBe(false);
  });
});

describe('answerForError', () => {
  it('turns empty_image into the prompt and anything else into its message', () => {
    expect(answerForError(new ApiError(422, 'empty_image', 'Nothing drawn.'))).toBe(PROMPT);
    expect(answerForError(new ApiError(400, 'invalid_image', 'Not an image.'))).toEqual({
      kind: 'error',
      message: 'Not an image.',
    });
    expect(answerForError(undefined).message).toMatch(/try again/);
  });
});
