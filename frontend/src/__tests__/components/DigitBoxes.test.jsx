import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DigitBoxes } from '../../components/DigitBoxes.jsx';
import { numberReply } from '../../test/fixtures.js';

const IMAGE = { width: 840, height: 280 };

describe('DigitBoxes', () => {
  it('puts each digit box where it is in the uploaded image, with the digit read there', () => {
    render(<DigitBoxes digits={numberReply({ number: '42' }).digits} image={IMAGE} />);
    const boxes = screen.getAllByTestId('digit-box');
    expect(boxes.map((box) => box.textContent)).toEqual(['4', '2']);
    // [60, 70, 100, 140] and [200, 70, 100, 140] of an 840 x 280 image
    expect(boxes[0].style.left).toBe(`${(100 * 60) / 840}%`);
    expect(boxes[0].style.top).toBe('25%');
    expect(boxes[0].style.width).toBe(`${(100 * 100) / 840}%`);
    expect(boxes[0].style.height).toBe('50%');
    expect(boxes[1].style.left).toBe(`${(100 * 200) / 840}%`);
  });

  it('marks a digit the model is not sure of with a dashed box and a question mark', () => {
    render(<DigitBoxes digits={numberReply({ number: '427', unsure: [1] }).digits} image={IMAGE} />);
    const boxes = screen.getAllByTestId('digit-box');
    expect(boxes.map((box) => box.textContent)).toEqual(['4', '2?', '7']);
    expect(boxes.map((box) => box.classList.contains('digit-box--uncertain'))).toEqual([false, true, false]);
  });

  it('writes the answer under a box that starts near the top, above the others', () => {
    const digits = [
      { digit: 1, probabilities: [], box: [10, 5, 50, 100], uncertain: false },
      { digit: 2, probabilities: [], box: [100, 150, 50, 100], uncertain: false },
    ];
    render(<DigitBoxes digits={digits} image={IMAGE} />);
    const labels = screen.getAllByTestId('digit-box').map((box) => box.firstChild);
    expect(labels.map((label) => label.classList.contains('digit-box__label--below'))).toEqual([true, false]);
  });

  it('is hidden from screen readers (the answer panel says it in words) and absent without digits', () => {
    const { container, rerender } = render(<DigitBoxes digits={numberReply().digits} image={IMAGE} />);
    expect(screen.getByTestId('digit-boxes')).toHaveAttribute('aria-hidden', 'true');
    rerender(<DigitBoxes digits={null} image={IMAGE} />);
    expect(container).toBeEmptyDOMElement();
  });
});
