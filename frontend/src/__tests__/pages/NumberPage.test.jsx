import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NumberPage } from '../../pages/NumberPage.jsx';
import { errorReply, jsonResponse, numberReply } from '../../test/fixtures.js';
import { drawStroke } from '../../test/pointer.js';
import { FAKE_PNG } from '../../test/setup.js';

const canvas = () => screen.getByRole('img', { name: /Drawing area: write a number/ });
const FOUR = [
  [90, 60],
  [60, 180],
  [150, 180],
];
const TWO = [
  [250, 80],
  [300, 60],
  [260, 220],
  [330, 220],
];

/** fetch answering POST /api/predict/number with `reply()` and POST /api/feedback with 201. */
function serve(reply) {
  const fetchMock = vi.fn(async (url) =>
    url === '/api/feedback' ? jsonResponse(201, { number: '43', feedback: [{ id: 9, status: 'accepted' }] }) : reply(),
  );
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

const bodies = (fetchMock, url) =>
  fetchMock.mock.calls.filter(([called]) => called === url).map(([, init]) => JSON.parse(init.body));

async function settled() {
  await waitFor(() => expect(screen.getByRole('region', { name: 'Answer' })).toHaveAttribute('aria-busy', 'false'));
}

beforeEach(() => {
  // A wide canvas shown 900 x 300 CSS pixels.
  vi.spyOn(HTMLCanvasElement.prototype, 'getBoundingClientRect').mockReturnValue({
    left: 0,
    top: 0,
    width: 900,
    height: 300,
    right: 900,
    bottom: 300,
  });
});
afterEach(() => vi.unstubAllGlobals());

describe('NumberPage', () => {
  it('starts with a wide empty canvas, the mode switch on Number and the prompt', () => {
    serve(() => jsonResponse(200, numberReply()));
    window.history.replaceState({}, '', '/number');
    render(<NumberPage />);
    expect([canvas().width, canvas().height]).toEqual([900, 300]);
    expect(canvas()).toHaveStyle({ touchAction: 'none' });
    expect(screen.getByRole('link', { name: 'Number' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByRole('link', { name: 'One digit' })).not.toHaveAttribute('aria-current');
    expect(screen.getByTestId('message')).toHaveTextContent('Draw a number');
    expect(screen.getByTestId('undo')).toBeDisabled();
    expect(screen.queryByTestId('digit-boxes')).not.toBeInTheDocument();
  });

  it('posts the drawing as a wide PNG to /api/predict/number and shows the number and each box', async () => {
    const created = [];
    const createElement = document.createElement.bind(document);
    vi.spyOn(document, 'createElement').mockImplementation((tag) => {
      const element = createElement(tag);
      if (tag === 'canvas') created.push(element);
      return element;
    });
    const fetchMock = serve(() => jsonResponse(200, numberReply({ number: '42' })));
    render(<NumberPage />);
    drawStroke(canvas(), FOUR);
    drawStroke(canvas(), TWO);
    await settled();
    expect(bodies(fetchMock, '/api/predict/number').at(-1)).toEqual({ image: FAKE_PNG });
    expect(created.map(({ width, height }) => [width, height])).toContainEqual([840, 280]);
    expect(screen.getByTestId('number')).toHaveTextContent(/^42$/);
    const boxes = screen.getAllByTestId('digit-box');
    expect(boxes.map((box) => box.textContent)).toEqual(['4', '2']);
    expect(boxes[1].style.left).toBe(`${(100 * 200) / 840}%`); // the reply's box, in the image's pixels
  });

  it('marks the digits it is not sure of over the drawing and in the answer', async () => {
    serve(() => jsonResponse(200, numberReply({ number: '42', unsure: [0] })));
    render(<NumberPage />);
    drawStroke(canvas(), FOUR);
    await settled();
    expect(screen.getAllByTestId('digit-box').map((box) => box.textContent)).toEqual(['4?', '2']);
    expect(screen.getByTestId('uncertain')).toHaveTextContent('Not sure of every digit');
  });

  it('clears with Escape and undoes with Ctrl+Z, taking the boxes away', async () => {
    const fetchMock = serve(() => jsonResponse(200, numberReply()));
    render(<NumberPage />);
    drawStroke(canvas(), FOUR);
    drawStroke(canvas(), TWO);
    await settled();
    const sent = fetchMock.mock.calls.length;
    await userEvent.keyboard('{Control>}z{/Control}');
    await settled();
    expect(fetchMock.mock.calls.length).toBe(sent + 1); // the drawing without its last stroke
    expect(screen.getByTestId('undo')).toBeEnabled();

    await userEvent.keyboard('{Escape}');
    expect(screen.getByTestId('message')).toHaveTextContent('Draw a number');
    expect(screen.queryByTestId('digit-boxes')).not.toBeInTheDocument();
    expect(screen.getByTestId('undo')).toBeDisabled();
  });

  it('draws with a finger and ignores the right mouse button', async () => {
    const fetchMock = serve(() => jsonResponse(200, numberReply()));
    render(<NumberPage />);
    drawStroke(canvas(), FOUR, { button: 2 });
    expect(fetchMock).not.toHaveBeenCalled();
    drawStroke(canvas(), FOUR, { pointerType: 'touch', pointerId: 5 });
    await settled();
    expect(screen.getByTestId('number')).toHaveTextContent('42');
  });

  it('shows the server saying there are too many digits, then reads the number again', async () => {
    let reply = errorReply(422, 'too_many_digits', 'Write at most 12 digits.');
    serve(() => reply);
    render(<NumberPage />);
    drawStroke(canvas(), FOUR);
    await settled();
    expect(screen.getByRole('alert')).toHaveTextContent('Write at most 12 digits.');
    reply = jsonResponse(200, numberReply());
    drawStroke(canvas(), TWO);
    await settled();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.getByTestId('number')).toHaveTextContent('42');
  });

  it('sends the right number typed after "Right?" to /api/feedback, and Escape in the field keeps the drawing', async () => {
    const fetchMock = serve(() => jsonResponse(200, numberReply({ number: '42', prediction_id: 77 })));
    render(<NumberPage />);
    drawStroke(canvas(), FOUR);
    await settled();
    const input = screen.getByRole('textbox', { name: 'The right number' });
    await userEvent.type(input, '43{Escape}');
    expect(screen.getByTestId('number')).toHaveTextContent('42'); // Escape in a text field does not clear
    await userEvent.type(input, '{Enter}');
    expect(await screen.findByRole('status')).toHaveTextContent(/thank you/i);
    expect(bodies(fetchMock, '/api/feedback')).toEqual([{ prediction_id: 77, number: '43' }]);
  });
});
