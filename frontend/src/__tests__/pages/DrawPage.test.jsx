import { act, fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DrawPage } from '../../pages/DrawPage.jsx';
import { errorReply, jsonResponse, predictReply } from '../../test/fixtures.js';
import { FAKE_PNG } from '../../test/setup.js';

/** fetch that answers each call only when the test says so. */
function manualFetch() {
  const pending = [];
  const fetchMock = vi.fn(
    () =>
      new Promise((resolve, reject) => {
        pending.push({ resolve, reject });
      }),
  );
  vi.stubGlobal('fetch', fetchMock);
  const answer = async (index, response) => {
    pending[index].done = true;
    await act(async () => {
      pending[index].resolve(response);
    });
  };
  /** Answer every request, including those sent after earlier answers, with `response`. */
  const answerAll = async (response) => {
    for (let i = 0; i < pending.length; i += 1) {
      if (!pending[i].done) {
        await answer(i, response);
      }
    }
  };
  return { fetchMock, answer, answerAll };
}

const canvas = () => screen.getByTestId('digit-canvas');

function stroke(points, { pointerType = 'mouse', pointerId = 1, button = 0, isPrimary = true } = {}) {
  const [first, ...rest] = points;
  const init = (x, y) => ({ pointerId, pointerType, isPrimary, button, clientX: x, clientY: y });
  fireEvent.pointerDown(canvas(), init(...first));
  for (const p of rest) fireEvent.pointerMove(canvas(), init(...p));
  fireEvent.pointerUp(canvas(), init(...(rest.at(-1) ?? first)));
}

const ONE = [
  [150, 40],
  [150, 150],
  [150, 260],
];
const bodyOf = (fetchMock, i) => JSON.parse(fetchMock.mock.calls[i][1].body);

beforeEach(() => {
  vi.spyOn(HTMLCanvasElement.prototype, 'getBoundingClientRect').mockReturnValue({
    left: 0,
    top: 0,
    width: 300,
    height: 300,
    right: 300,
    bottom: 300,
  });
});
afterEach(() => vi.unstubAllGlobals());

describe('DrawPage', () => {
  it('starts with the prompt and nothing to undo or clear', () => {
    manualFetch();
    render(<DrawPage />);
    expect(screen.getByTestId('message')).toHaveTextContent('Draw a digit');
    expect(screen.getByTestId('undo')).toBeDisabled();
    expect(screen.getByTestId('clear')).toBeDisabled();
    expect(canvas()).toHaveStyle({ touchAction: 'none' });
  });

  it('draws a stroke, posts the canvas PNG and shows the answer', async () => {
    const { fetchMock, answer } = manualFetch();
    render(<DrawPage />);
    stroke(ONE);
    const ctx = canvas().getContext('2d');
    expect(ctx.calls.some(([op]) => op === 'quadraticCurveTo')).toBe(true);
    expect(fetchMock).toHaveBeenCalledTimes(1); // one in flight, the final drawing waits
    expect(fetchMock.mock.calls[0][0]).toBe('/api/predict?store=false'); // a preview while the pen moves
    expect(bodyOf(fetchMock, 0)).toEqual({ image: FAKE_PNG });
    await answer(0, jsonResponse(200, predictReply({ digit: 1 })));
    expect(screen.queryByTestId('prediction')).not.toBeInTheDocument(); // that reply was for a half-drawn 1
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(fetchMock.mock.calls[1][0]).toBe('/api/predict'); // the pen lifted: stored, so "Right?" works
    await answer(1, jsonResponse(200, predictReply({ digit: 1 })));
    expect(screen.getByTestId('prediction')).toHaveTextContent('1');
    expect(screen.getByTestId('undo')).toBeEnabled();
  });

  it('never shows a reply older than the drawing', async () => {
    const { fetchMock, answer } = manualFetch();
    render(<DrawPage />);
    stroke(ONE); // request 0 in flight, final drawing waiting
    await answer(0, jsonResponse(200, predictReply({ digit: 4 })));
    stroke([
      [60, 60],
      [240, 60],
      [120, 270],
    ]); // changes the drawing while request 1 is in flight
    await answer(1, jsonResponse(200, predictReply({ digit: 1 })));
    expect(screen.queryByTestId('prediction')).not.toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledTimes(3);
    await answer(2, jsonResponse(200, predictReply({ digit: 7 })));
    expect(screen.getByTestId('prediction')).toHaveTextContent('7');
  });

  it('clears with the button and with Escape, dropping a reply in flight', async () => {
    const { fetchMock, answer, answerAll } = manualFetch();
    render(<DrawPage />);
    stroke(ONE);
    await userEvent.click(screen.getByTestId('clear'));
    expect(screen.getByTestId('message')).toHaveTextContent('Draw a digit');
    await answer(0, jsonResponse(200, predictReply()));
    expect(screen.queryByTestId('prediction')).not.toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('clear')).toBeDisabled();

    stroke(ONE);
    await answerAll(jsonResponse(200, predictReply()));
    expect(screen.getByTestId('prediction')).toHaveTextContent('7');
    await userEvent.keyboard('{Escape}');
    expect(screen.getByTestId('message')).toHaveTextContent('Draw a digit');
    expect(screen.queryByTestId('prediction')).not.toBeInTheDocument();
  });

  it('undoes the last stroke (button and Ctrl+Z), repainting from the stroke list', async () => {
    const { fetchMock, answerAll } = manualFetch();
    render(<DrawPage />);
    stroke(ONE);
    await answerAll(jsonResponse(200, predictReply({ digit: 1 })));
    stroke([
      [40, 40],
      [260, 40],
    ]);
    await answerAll(jsonResponse(200, predictReply({ digit: 7 })));
    expect(screen.getByTestId('prediction')).toHaveTextContent('7');

    const ctx = canvas().getContext('2d');
    ctx.calls.length = 0;
    const sent = fetchMock.mock.calls.length;
    await userEvent.click(screen.getByTestId('undo'));
    expect(ctx.calls.filter(([op]) => op === 'stroke')).toHaveLength(1); // only the 1 is repainted
    expect(fetchMock).toHaveBeenCalledTimes(sent + 1);
    await answerAll(jsonResponse(200, predictReply({ digit: 1 })));
    expect(screen.getByTestId('prediction')).toHaveTextContent('1');

    await userEvent.keyboard('{Control>}z{/Control}');
    expect(screen.getByTestId('message')).toHaveTextContent('Draw a digit');
    expect(screen.getByTestId('undo')).toBeDisabled();
    expect(fetchMock).toHaveBeenCalledTimes(sent + 1); // nothing to predict on an empty canvas
  });

  it('captures the pointer and ends the stroke when the capture is lost', async () => {
    const { fetchMock } = manualFetch();
    const capture = vi.spyOn(HTMLElement.prototype, 'setPointerCapture');
    render(<DrawPage />);
    const init = (x, y) => ({ pointerId: 4, pointerType: 'pen', isPrimary: true, button: 0, clientX: x, clientY: y });
    fireEvent.pointerDown(canvas(), init(150, 40));
    expect(capture).toHaveBeenCalledWith(4);
    fireEvent.pointerMove(canvas(), init(150, 200));
    expect(screen.getByTestId('undo')).toBeDisabled(); // still drawing
    fireEvent.lostPointerCapture(canvas(), init(150, 200));
    expect(screen.getByTestId('undo')).toBeEnabled();
    fireEvent.pointerMove(canvas(), init(20, 20)); // no longer drawing
    expect(canvas().getContext('2d').calls.filter(([op]) => op === 'lineTo').at(-1)).toEqual(['lineTo', 150, 200]);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('shows the prompt again when the server finds nothing drawn', async () => {
    const { answer } = manualFetch();
    render(<DrawPage />);
    stroke([[5, 5]]); // a single tap at the edge
    await answer(0, errorReply(422, 'empty_image', 'Nothing drawn.'));
    expect(screen.getByTestId('message')).toHaveTextContent('Draw a digit');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows a server error as an alert and keeps working', async () => {
    const { answerAll } = manualFetch();
    render(<DrawPage />);
    stroke(ONE);
    await answerAll(errorReply(503, 'model_unavailable', 'No model is loaded. Train one first.'));
    expect(screen.getByRole('alert')).toHaveTextContent('No model is loaded. Train one first.');
    stroke(ONE);
    await answerAll(jsonResponse(200, predictReply()));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.getByTestId('prediction')).toHaveTextContent('7');
  });

  it('shows a network failure as an alert', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    render(<DrawPage />);
    stroke(ONE);
    expect(await screen.findByRole('alert')).toHaveTextContent(/could not reach the server/i);
  });

  it('draws with a finger but ignores a second finger and the right mouse button', async () => {
    const { fetchMock } = manualFetch();
    render(<DrawPage />);
    stroke(ONE, { pointerType: 'mouse', button: 2 });
    stroke(ONE, { pointerType: 'touch', isPrimary: false, pointerId: 7 });
    expect(fetchMock).not.toHaveBeenCalled();
    expect(screen.getByTestId('undo')).toBeDisabled();
    stroke(ONE, { pointerType: 'touch', pointerId: 3 });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('undo')).toBeEnabled();
  });

  it('uploads an image file, previews it and shows its answer', async () => {
    const { fetchMock, answer } = manualFetch();
    render(<DrawPage />);
    const file = new File([new Uint8Array([137, 80, 78, 71])], 'seven.png', { type: 'image/png' });
    await userEvent.upload(screen.getByTestId('upload'), file);
    expect(await screen.findByRole('img', { name: 'Uploaded image seven.png' })).toHaveAttribute(
      'src',
      'data:image/png;base64,iVBORw==',
    );
    expect(bodyOf(fetchMock, 0)).toEqual({ image: 'data:image/png;base64,iVBORw==' });
    await answer(0, jsonResponse(200, predictReply()));
    expect(screen.getByTestId('prediction')).toHaveTextContent('7');
    // Clear works for an upload too.
    await userEvent.click(screen.getByTestId('clear'));
    expect(screen.queryByRole('img', { name: /Uploaded image/ })).not.toBeInTheDocument();
    expect(screen.getByTestId('message')).toHaveTextContent('Draw a digit');
  });

  it('accepts a dropped file and refuses a non-image', async () => {
    const { fetchMock } = manualFetch();
    render(<DrawPage />);
    const png = new File([new Uint8Array([1, 2, 3])], 'drop.png', { type: 'image/png' });
    fireEvent.drop(canvas(), { dataTransfer: { types: ['Files'], files: [png] } });
    expect(await screen.findByRole('img', { name: 'Uploaded image drop.png' })).toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledTimes(1);

    const text = new File(['hello'], 'notes.txt', { type: 'text/plain' });
    fireEvent.drop(canvas(), { dataTransfer: { types: ['Files'], files: [text] } });
    expect(await screen.findByRole('alert')).toHaveTextContent('Choose a PNG, JPEG, GIF, BMP or WebP image.');
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});
