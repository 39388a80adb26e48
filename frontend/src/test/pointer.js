import { fireEvent } from '@testing-library/react';

/** Draw one stroke on `element` through `points` ([clientX, clientY]) with pointer events: down, moves, up. */
export function drawStroke(element, points, { pointerType = 'mouse', pointerId = 1, button = 0, isPrimary = true } = {}) {
  const [first, ...rest] = points;
  const init = (x, y) => ({ pointerId, pointerType, isPrimary, button, clientX: x, clientY: y });
  fireEvent.pointerDown(element, init(...first));
  for (const point of rest) fireEvent.pointerMove(element, init(...point));
  fireEvent.pointerUp(element, init(...(rest.at(-1) ?? first)));
}
