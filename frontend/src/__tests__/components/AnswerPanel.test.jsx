import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AnswerPanel } from '../../components/AnswerPanel.jsx';
import { neighbors, predictReply } from '../../test/fixtures.js';

const result = (overrides) => ({ kind: 'result', result: predictReply(overrides) });

describe('AnswerPanel', () => {
  it('asks for a digit before there is an answer, and shows no guess', () => {
    render(<AnswerPanel answer={{ kind: 'prompt' }} />);
    expect(screen.getByTestId('message')).toHaveTextContent('Draw a digit');
    expect(screen.queryByTestId('prediction')).not.toBeInTheDocument();
    expect(screen.queryByTestId('probabilities')).not.toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows the digit, ten bars with percentages and the 8x8 grid', () => {
    render(<AnswerPanel answer={result()} />);
    expect(screen.getByTestId('prediction')).toHaveTextContent(/^7$/);
    expect(screen.getByText('93% sure')).toBeInTheDocument();
    const bars = within(screen.getByTestId('probabilities')).getAllByRole('listitem');
    expect(bars).toHaveLength(10);
    expect(bars[7]).toHaveTextContent('93%');
    expect(bars[8]).toHaveTextContent('6%');
    expect(bars[0]).toHaveTextContent('0%');
    expect(bars[7].querySelector('.bars__fill')).toHaveStyle({ width: '93%' });
    const grid = screen.getByRole('img', { name: /8 by 8 image the model saw/ });
    expect(grid).toBe(screen.getByTestId('model-input'));
    const cells = grid.querySelectorAll('.digit-grid__cell');
    expect(cells).toHaveLength(64);
    expect(cells[4]).toHaveStyle({ backgroundColor: 'rgb(0, 0, 0)' }); // value 16
    expect(cells[0]).toHaveStyle({ backgroundColor: 'rgb(255, 255, 255)' }); // value 0
    expect(screen.queryByTestId('message')).not.toBeInTheDocument();
  });

  it('hides neighbours, the not-sure note and feedback when the reply lacks them', () => {
    render(<AnswerPanel answer={result()} />);
    expect(screen.queryByTestId('neighbors')).not.toBeInTheDocument();
    expect(screen.queryByTestId('uncertain')).not.toBeInTheDocument();
    expect(screen.queryByTestId('feedback')).not.toBeInTheDocument();
  });

  it('shows the closest training digits as labelled thumbnails', () => {
    render(<AnswerPanel answer={result({ neighbors })} />);
    const section = screen.getByTestId('neighbors');
    expect(within(section).getByText('Closest training digits')).toBeInTheDocument();
    const thumbs = within(section).getAllByRole('img');
    expect(thumbs.map((t) => t.getAttribute('aria-label'))).toEqual(['Training digit 7', 'Training digit 1']);
    expect(thumbs[1].querySelectorAll('.digit-grid__cell')).toHaveLength(64);
  });

  it('says plainly when it is not sure, still showing the best guess and the bars', () => {
    render(<AnswerPanel answer={result({ uncertain: true, reason: 'far_from_training_data' })} />);
    expect(screen.getByTestId('uncertain')).toHaveTextContent('Not sure — is this a digit?');
    expect(screen.getByTestId('prediction')).toHaveTextContent('7');
    expect(screen.getByTestId('probabilities')).toBeInTheDocument();
    expect(screen.queryByText('93% sure')).not.toBeInTheDocument();
  });

  it.each([
    ['far_from_training_data', "It doesn't look like the digits the model learned from."],
    ['split_vote', 'It looks like more than one digit.'],
    ['not_a_digit_shape', 'A dot or a cross is not a digit.'],
  ])('says why it is not sure (%s)', (reason, why) => {
    render(<AnswerPanel answer={result({ uncertain: true, reason })} />);
    expect(screen.getByTestId('uncertain')).toHaveTextContent(why);
  });

  it('shows the feedback row when the reply has a prediction id', () => {
    render(<AnswerPanel answer={result({ prediction_id: 12 })} />);
    const feedback = screen.getByTestId('feedback');
    expect(within(feedback).getByText('Right?')).toBeInTheDocument();
    expect(within(feedback).getByRole('button', { name: 'Yes, it is a 7' })).toBeInTheDocument();
  });

  it('shows an error as an alert without a stale guess', () => {
    render(<AnswerPanel answer={{ kind: 'error', message: 'The model is not ready.' }} />);
    expect(screen.getByRole('alert')).toHaveTextContent('The model is not ready.');
    expect(screen.getByTestId('message')).toHaveTextContent('The model is not ready.');
    expect(screen.queryByTestId('prediction')).not.toBeInTheDocument();
  });

  it('marks itself busy while a newer answer is on its way', () => {
    render(<AnswerPanel answer={result()} busy />);
    expect(screen.getByRole('region', { name: 'Answer' })).toHaveAttribute('aria-busy', 'true');
  });
});
