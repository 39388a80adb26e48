import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { NumberAnswer } from '../../components/NumberAnswer.jsx';
import { PROMPT } from '../../hooks/usePrediction.js';
import { numberReply } from '../../test/fixtures.js';

const result = (options) => ({ kind: 'result', result: numberReply(options) });

describe('NumberAnswer', () => {
  it('asks for a number before anything is drawn', () => {
    render(<NumberAnswer answer={PROMPT} />);
    expect(screen.getByTestId('message')).toHaveTextContent('Draw a number');
    expect(screen.queryByTestId('number')).not.toBeInTheDocument();
    expect(screen.queryByTestId('feedback')).not.toBeInTheDocument();
  });

  it('shows the number large in a live region, each digit with how sure it is, and Right?', () => {
    render(<NumberAnswer answer={result({ number: '2026' })} />);
    const number = screen.getByTestId('number');
    expect(number).toHaveTextContent(/^2026$/);
    expect(number.closest('[aria-live]')).toHaveAttribute('aria-live', 'polite');
    const list = screen.getByRole('list', { name: 'Each digit, left to right' });
    expect(within(list).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      '290% sure',
      '090% sure',
      '290% sure',
      '690% sure',
    ]);
    expect(screen.getByText('Sure of every digit')).toBeInTheDocument();
    expect(screen.queryByTestId('uncertain')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Yes, it is 2026' })).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Answer' })).toHaveAttribute('aria-busy', 'false');
  });

  it('marks the digits it is not sure of, in the number and in the list, with the reason', () => {
    render(<NumberAnswer answer={result({ number: '427', unsure: [1] })} busy />);
    expect(screen.getByTestId('uncertain')).toHaveTextContent('Not sure of every digit');
    const unsure = screen.getByTestId('number').querySelectorAll('.number-answer__unsure');
    expect([...unsure].map((digit) => digit.textContent)).toEqual(['2']);
    const items = screen.getAllByTestId('number-digit');
    expect(items[1]).toHaveTextContent("Not sure: It doesn't look like the digits the model learned from.");
    expect(items[1]).toHaveClass('number-digits__item--uncertain');
    expect(items[0]).not.toHaveClass('number-digits__item--uncertain');
    expect(screen.getByRole('region', { name: 'Answer' })).toHaveAttribute('aria-busy', 'true');
  });

  it('shows an error as an alert', () => {
    render(<NumberAnswer answer={{ kind: 'error', message: 'Write at most 12 digits.' }} />);
    expect(screen.getByRole('alert')).toHaveTextContent('Write at most 12 digits.');
    expect(screen.queryByTestId('number')).not.toBeInTheDocument();
  });

  it('has no Right? for an answer that was not stored', () => {
    render(<NumberAnswer answer={result({ prediction_id: null })} />);
    expect(screen.getByTestId('number')).toHaveTextContent('42');
    expect(screen.queryByTestId('feedback')).not.toBeInTheDocument();
  });
});
