import { render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api.js';
import { StatsPage } from '../../pages/StatsPage.jsx';
import { statsReply } from '../../test/fixtures.js';

describe('StatsPage', () => {
  it('shows totals, the confusion matrix and per-digit accuracy', async () => {
    render(<StatsPage load={vi.fn().mockResolvedValue(statsReply())} />);
    const matrix = await screen.findByTestId('confusion-matrix');
    expect(screen.getByText('Predictions').nextSibling).toHaveTextContent('120');
    expect(screen.getByText('Answers from people').nextSibling).toHaveTextContent('42');
    expect(screen.getByText('Accuracy').nextSibling).toHaveTextContent('95%');

    const rows = within(matrix).getAllByRole('row');
    expect(rows).toHaveLength(11); // header + ten true digits
    const sevenReadAsOne = within(matrix).getByLabelText('2 times 7 was read as 1');
    expect(sevenReadAsOne).toHaveTextContent('2');
    expect(within(matrix).getByLabelText('4 times 7 was read as 7')).toHaveStyle({
      backgroundColor: 'hsl(142 60% 32% / 1)',
    });
    expect(within(matrix).getByLabelText('0 times 7 was read as 2')).toHaveTextContent('');

    const perDigit = within(screen.getByTestId('per-digit')).getAllByRole('listitem');
    expect(perDigit).toHaveLength(10);
    expect(perDigit[7]).toHaveTextContent('67% (4/6)');
    expect(perDigit[3]).toHaveTextContent('–');
    expect(screen.getByText(/Version 1: 95% right of 42/)).toBeInTheDocument();
  });

  it('says "no answers yet" when there is no feedback', async () => {
    render(<StatsPage load={vi.fn().mockResolvedValue({ ...statsReply(), accuracy: null, feedback_count: 0 })} />);
    expect(await screen.findByText('no answers yet')).toBeInTheDocument();
  });

  it('says statistics are not available yet when the endpoint is missing', async () => {
    render(<StatsPage load={vi.fn().mockRejectedValue(new ApiError(404, 'not_found', 'Not found.'))} />);
    expect(await screen.findByTestId('message')).toHaveTextContent(/statistics are not available yet/i);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows other errors as an alert', async () => {
    render(<StatsPage load={vi.fn().mockRejectedValue(new ApiError(500, 'internal', 'Server trouble.'))} />);
    expect(await screen.findByRole('alert')).toHaveTextContent('Server trouble.');
  });
});
