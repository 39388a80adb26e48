import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api.js';
import { ReviewList } from '../../components/ReviewList.jsx';
import { reviewReply } from '../../test/fixtures.js';

const show = () => userEvent.click(screen.getByRole('button', { name: 'Show feedback held for review' }));

describe('ReviewList', () => {
  it('shows each held feedback with its drawing, label and what the model said', async () => {
    render(<ReviewList token="t" load={vi.fn().mockResolvedValue(reviewReply([11, 12]))} />);
    await show();
    expect(await screen.findByTestId('review-counts')).toHaveTextContent(
      '2 waiting for review, 40 accepted, 2 rejected',
    );
    const items = screen.getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent('Labelled 8; the model said 3 (100%) · client 01234567');
    expect(within(items[0]).getByRole('img', { name: 'Feedback 11 as the model saw it' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Refresh' })).toBeInTheDocument();
  });

  it('accepts or rejects one, then shows what is left', async () => {
    const load = vi.fn().mockResolvedValueOnce(reviewReply([11, 12])).mockResolvedValue(reviewReply([12]));
    const review = vi.fn().mockResolvedValue({ reviewed: 1, status: 'rejected' });
    render(<ReviewList token="t" load={load} review={review} />);
    await show();
    await userEvent.click(await screen.findByRole('button', { name: 'Reject feedback 11' }));
    expect(review).toHaveBeenCalledWith('t', [11], 'rejected');
    expect(await screen.findByRole('button', { name: 'Accept feedback 12' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Accept feedback 11' })).not.toBeInTheDocument();
  });

  it('decides for every feedback shown at once', async () => {
    const load = vi.fn().mockResolvedValueOnce(reviewReply([11, 12])).mockResolvedValue(reviewReply([]));
    const review = vi.fn().mockResolvedValue({ reviewed: 2, status: 'accepted' });
    render(<ReviewList token="t" load={load} review={review} />);
    await show();
    await userEvent.click(await screen.findByRole('button', { name: 'Accept all shown' }));
    expect(review).toHaveBeenCalledWith('t', [11, 12], 'accepted');
    expect(await screen.findByText('Nothing waits for review.')).toBeInTheDocument();
  });

  it('asks for the token first and shows server errors', async () => {
    const load = vi.fn().mockRejectedValue(new ApiError(403, 'forbidden', 'The admin token is wrong.'));
    const { rerender } = render(<ReviewList token="" load={load} />);
    await show();
    expect(await screen.findByRole('alert')).toHaveTextContent('Enter the admin token first.');
    expect(load).not.toHaveBeenCalled();
    rerender(<ReviewList token="bad" load={load} />);
    await show();
    expect(await screen.findByRole('alert')).toHaveTextContent('The admin token is wrong.');
  });
});
