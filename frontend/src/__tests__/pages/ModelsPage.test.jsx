import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api.js';
import { ModelsPage } from '../../pages/ModelsPage.jsx';
import { model, reference, reviewReply } from '../../test/fixtures.js';

const listing = () => ({
  active: 2,
  models: [
    model({ version: 3, status: 'training', progress: 0.4, active: false, cv_accuracy: null }),
    model({ version: 2, active: true, cv_accuracy: 0.981 }),
    model({ version: 1, active: false, cv_accuracy: 0.95 }),
  ],
});
const allReady = () => ({
  active: 2,
  models: [model({ version: 3, active: false }), model({ version: 2, active: true }), model({ version: 1, active: false })],
});

describe('ModelsPage', () => {
  it('shows the active model card and every version with its status', async () => {
    render(<ModelsPage load={vi.fn().mockResolvedValue(allReady())} />);
    const card = await screen.findByTestId('active-model');
    expect(within(card).getByText('Active model: version 2')).toBeInTheDocument();
    expect(within(card).getByText('n_neighbors = 5, weights = distance')).toBeInTheDocument();
    expect(within(card).getByText(/15819/)).toBeInTheDocument();
    const rows = within(screen.getByTestId('versions')).getAllByRole('row');
    expect(rows).toHaveLength(4);
    expect(rows[2]).toHaveTextContent('ready, active');
    expect(within(rows[2]).queryByRole('button')).not.toBeInTheDocument();
    expect(within(rows[3]).getByRole('button', { name: 'Activate version 1' })).toBeInTheDocument();
  });

  it('shows training progress and polls until training is over', async () => {
    const load = vi.fn().mockResolvedValueOnce(listing()).mockResolvedValue(allReady());
    render(<ModelsPage load={load} pollMs={20} />);
    expect(await screen.findByRole('progressbar', { name: 'Version 3 training progress' })).toHaveAttribute(
      'value',
      '0.4',
    );
    await waitFor(() => expect(screen.queryByRole('progressbar')).not.toBeInTheDocument());
    await new Promise((r) => setTimeout(r, 100));
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('trains a new version with the admin token, kept for the session', async () => {
    const train = vi.fn().mockResolvedValue(model({ version: 4, status: 'training', progress: 0 }));
    const load = vi.fn().mockResolvedValue(allReady());
    render(<ModelsPage load={load} train={train} />);
    await userEvent.type(await screen.findByLabelText('Admin token'), 's3cret');
    expect(sessionStorage.getItem('adminToken')).toBe('s3cret');
    await userEvent.click(screen.getByRole('button', { name: 'Train new version' }));
    expect(train).toHaveBeenCalledWith('s3cret', { includeFeedback: true });
    expect(await screen.findByRole('status')).toHaveTextContent('Training version 4 started.');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('reads the token back from sessionStorage and activates a version', async () => {
    sessionStorage.setItem('adminToken', 'kept');
    const activate = vi.fn().mockResolvedValue(model({ version: 1 }));
    render(<ModelsPage load={vi.fn().mockResolvedValue(allReady())} activate={activate} />);
    expect(await screen.findByLabelText('Admin token')).toHaveValue('kept');
    await userEvent.click(screen.getByRole('button', { name: 'Activate version 1' }));
    expect(activate).toHaveBeenCalledWith('kept', 1);
    expect(await screen.findByRole('status')).toHaveTextContent('Version 1 is now active.');
  });

  it('asks for the token before calling the server', async () => {
    const activate = vi.fn();
    render(<ModelsPage load={vi.fn().mockResolvedValue(allReady())} activate={activate} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Activate version 1' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Enter the admin token first.');
    expect(activate).not.toHaveBeenCalled();
  });

  it("shows the server's reason for a refused token", async () => {
    sessionStorage.setItem('adminToken', 'wrong');
    const train = vi.fn().mockRejectedValue(new ApiError(403, 'forbidden', 'That admin token is not right.'));
    render(<ModelsPage load={vi.fn().mockResolvedValue(allReady())} train={train} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Train new version' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('That admin token is not right.');
  });

  it('shows each version\'s reference accuracy, overall and per digit', async () => {
    const listing = allReady();
    listing.models[0].reference = reference(0.951);
    listing.models[2].reference = null;
    render(<ModelsPage load={vi.fn().mockResolvedValue(listing)} />);
    const card = await screen.findByTestId('active-model');
    expect(within(card).getByText('Reference accuracy').nextSibling).toHaveTextContent(/^96\.2%/);
    expect(within(card).getByTestId('reference-digits')).toHaveTextContent('(0: 96%, 1: 96%, 2: 96%, 3: 95%,');
    const rows = within(screen.getByTestId('versions')).getAllByRole('row');
    expect(rows[0]).toHaveTextContent('Reference');
    expect(within(rows[1]).getAllByRole('cell')[4]).toHaveTextContent('95.1%');
    expect(within(rows[3]).getAllByRole('cell')[4]).toHaveTextContent('–');
  });

  it('shows a quality-gate refusal and activates anyway only when asked', async () => {
    sessionStorage.setItem('adminToken', 'kept');
    const refusal = new ApiError(409, 'quality_gate', 'Version 1 reads the reference set worse: digit 3 61% vs 97%.');
    const activate = vi.fn().mockRejectedValueOnce(refusal).mockResolvedValueOnce(model({ version: 1 }));
    render(<ModelsPage load={vi.fn().mockResolvedValue(allReady())} activate={activate} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Activate version 1' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('digit 3 61% vs 97%');
    expect(activate).toHaveBeenCalledTimes(1);
    await userEvent.click(screen.getByRole('button', { name: 'Activate version 1 anyway' }));
    expect(activate).toHaveBeenLastCalledWith('kept', 1, { force: true });
    expect(await screen.findByRole('status')).toHaveTextContent('Version 1 is now active (quality gate overridden).');
    expect(screen.queryByRole('button', { name: /anyway/ })).not.toBeInTheDocument();
  });

  it('offers no override for other errors', async () => {
    sessionStorage.setItem('adminToken', 'kept');
    const activate = vi.fn().mockRejectedValue(new ApiError(409, 'model_not_ready', 'Version 1 is training.'));
    render(<ModelsPage load={vi.fn().mockResolvedValue(allReady())} activate={activate} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Activate version 1' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Version 1 is training.');
    expect(screen.queryByRole('button', { name: /anyway/ })).not.toBeInTheDocument();
  });

  it('lists the feedback held for review with the admin token', async () => {
    sessionStorage.setItem('adminToken', 'kept');
    const listReview = vi.fn().mockResolvedValue(reviewReply([11]));
    render(<ModelsPage load={vi.fn().mockResolvedValue(allReady())} listReview={listReview} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Show feedback held for review' }));
    expect(listReview).toHaveBeenCalledWith('kept', { status: 'pending' });
    expect(await screen.findByRole('button', { name: 'Accept feedback 11' })).toBeInTheDocument();
  });

  it('says model management is not available yet on 404', async () => {
    render(<ModelsPage load={vi.fn().mockRejectedValue(new ApiError(404, 'not_found', 'Not found.'))} />);
    expect(await screen.findByTestId('message')).toHaveTextContent(/model versions are not available yet/i);
  });
});
