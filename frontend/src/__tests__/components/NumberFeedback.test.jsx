import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api.js';
import { NumberFeedback, parseNumber } from '../../components/NumberFeedback.jsx';

describe('parseNumber', () => {
  it.each([
    ['42', '42'],
    [' 4 2 ', '42'],
    ['007', '007'],
    ['123456789012', '123456789012'],
  ])('reads %j as %j', (text, number) => expect(parseNumber(text)).toBe(number));

  it.each(['', '   ', '4a', '-42', '4.2', '٤٢', '1234567890123'])('refuses %j', (text) => {
    expect(parseNumber(text)).toBeNull();
  });
});

describe('NumberFeedback', () => {
  it('confirms the number with the tick', async () => {
    const send = vi.fn().mockResolvedValue({ id: 3, status: 'accepted' });
    render(<NumberFeedback predictionId={31} number="42" send={send} />);
    await userEvent.click(screen.getByRole('button', { name: 'Yes, it is 42' }));
    expect(send).toHaveBeenCalledWith(31, '42');
    expect(await screen.findByRole('status')).toHaveTextContent('Thank you! That helps the next model learn.');
  });

  it('sends the right number typed in digits, with Enter', async () => {
    const send = vi.fn().mockResolvedValue({ id: 4, status: 'pending' });
    render(<NumberFeedback predictionId={31} number="42" send={send} />);
    const input = screen.getByRole('textbox', { name: 'The right number' });
    expect(input).toHaveAttribute('inputmode', 'numeric');
    await userEvent.type(input, '4 3{Enter}');
    expect(send).toHaveBeenCalledWith(31, '43');
    expect(await screen.findByRole('status')).toHaveTextContent(/someone will check it/i);
  });

  it('refuses what is not 1 to 12 digits, says why, and sends nothing', async () => {
    const send = vi.fn();
    render(<NumberFeedback predictionId={31} number="42" send={send} />);
    const input = screen.getByRole('textbox', { name: 'The right number' });
    await userEvent.type(input, '4x');
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Type the number in digits only, 1 to 12 of them.');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAccessibleDescription('Type the number in digits only, 1 to 12 of them.');
    await userEvent.click(screen.getByRole('button', { name: 'Send' })); // still wrong
    expect(send).not.toHaveBeenCalled();

    await userEvent.clear(input); // typing again takes the complaint away
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Send' })); // empty
    expect(screen.getByRole('alert')).toBeInTheDocument();
    expect(send).not.toHaveBeenCalled();
  });

  it('shows a server error and lets the user send again', async () => {
    const send = vi
      .fn()
      .mockRejectedValueOnce(new ApiError(429, 'rate_limited', 'Too many requests from your address.'))
      .mockResolvedValueOnce({ id: 5 });
    render(<NumberFeedback predictionId={31} number="42" send={send} />);
    await userEvent.type(screen.getByRole('textbox', { name: 'The right number' }), '421');
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many requests from your address.');
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(await screen.findByRole('status')).toHaveTextContent(/thank you/i);
    expect(send.mock.calls).toEqual([
      [31, '421'],
      [31, '421'],
    ]);
  });

  it('treats a duplicate answer as done', async () => {
    const send = vi.fn().mockRejectedValue(new ApiError(409, 'duplicate_feedback', 'Already answered.'));
    render(<NumberFeedback predictionId={31} number="42" send={send} />);
    await userEvent.click(screen.getByRole('button', { name: 'Yes, it is 42' }));
    expect(await screen.findByRole('status')).toHaveTextContent(/thank you/i);
  });
});
