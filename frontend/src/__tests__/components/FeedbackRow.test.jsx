import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api.js';
import { FeedbackRow } from '../../components/FeedbackRow.jsx';

describe('FeedbackRow', () => {
  it('confirms the guess with the tick and thanks the user', async () => {
    const send = vi.fn().mockResolvedValue({ id: 5 });
    render(<FeedbackRow predictionId={12} digit={7} send={send} />);
    await userEvent.click(screen.getByRole('button', { name: 'Yes, it is a 7' }));
    expect(send).toHaveBeenCalledWith(12, 7);
    expect(await screen.findByRole('status')).toHaveTextContent(/thank you/i);
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('sends the digit the user picks instead', async () => {
    const send = vi.fn().mockResolvedValue({ id: 6 });
    render(<FeedbackRow predictionId={12} digit={7} send={send} />);
    expect(screen.getAllByRole('button', { name: /^It was a \d$/ })).toHaveLength(10);
    await userEvent.click(screen.getByRole('button', { name: 'It was a 1' }));
    expect(send).toHaveBeenCalledWith(12, 1);
    expect(await screen.findByText(/thank you/i)).toBeInTheDocument();
  });

  it('says when a correction waits for review before the model learns from it', async () => {
    const send = vi.fn().mockResolvedValue({ id: 8, status: 'pending' });
    render(<FeedbackRow predictionId={12} digit={7} send={send} />);
    await userEvent.click(screen.getByRole('button', { name: 'It was a 1' }));
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Thank you! Someone will check it before the next model learns from it.',
    );
  });

  it('shows the rate limit message when too many answers were sent', async () => {
    const send = vi.fn().mockRejectedValue(new ApiError(429, 'rate_limited', 'Too many requests from your address.'));
    render(<FeedbackRow predictionId={12} digit={7} send={send} />);
    await userEvent.click(screen.getByRole('button', { name: 'It was a 1' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many requests from your address.');
    expect(screen.getByRole('button', { name: 'It was a 1' })).toBeEnabled();
  });

  it('treats a duplicate answer as done', async () => {
    const send = vi.fn().mockRejectedValue(new ApiError(409, 'duplicate_feedback', 'Already answered.'));
    render(<FeedbackRow predictionId={12} digit={7} send={send} />);
    await userEvent.click(screen.getByRole('button', { name: 'It was a 2' }));
    expect(await screen.findByText(/thank you/i)).toBeInTheDocument();
  });

  it('shows an error and lets the user try again', async () => {
    const send = vi
      .fn()
      .mockRejectedValueOnce(new ApiError(0, 'network_error', 'Could not reach the server.'))
      .mockResolvedValueOnce({ id: 7 });
    render(<FeedbackRow predictionId={12} digit={7} send={send} />);
    await userEvent.click(screen.getByRole('button', { name: 'Yes, it is a 7' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not reach the server.');
    await userEvent.click(screen.getByRole('button', { name: 'Yes, it is a 7' }));
    expect(await screen.findByText(/thank you/i)).toBeInTheDocument();
    expect(send).toHaveBeenCalledTimes(2);
  });
});
