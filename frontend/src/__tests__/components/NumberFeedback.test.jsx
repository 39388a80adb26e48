import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api.js';
import { NumberFeedback, parseNumber } from '../../components/NumberFeedback.jsx';

describe('parseNumber', () => {
  it.each([
    ['42', 2, '42'],
    [' 4 2 ', 2, '42'],
    ['007', 3, '007'],
    ['123456789012', 12, '123456789012'],
  ])('reads %j (%i digits) as %j', (text, length, number) => expect(parseNumber(text, length)).toEqual({ number }));

  it.each(['', '   ', '4a', '-42', '4.2', '٤٢'])('refuses %j: digits only', (text) => {
    expect(parseNumber(text, 2)).toEqual({ problem: 'Type the number in digits only, 0 to 9.' });
  });

  it('asks for one digit for each digit read', () => {
    expect(parseNumber('421', 2)).toEqual({ problem: 'Type 2 digits, one for each box on the drawing.' });
    expect(parseNumber('42', 1)).toEqual({ problem: 'Type one digit, one for each box on the drawing.' });
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
    const send = vi.fn().mockResolvedValue({
      number: '43',
      feedback: [
        { id: 4, status: 'accepted' },
        { id: 5, status: 'pending' },
      ],
    });
    render(<NumberFeedback predictionId={31} number="42" send={send} />);
    const input = screen.getByRole('textbox', { name: 'The right number' });
    expect(input).toHaveAttribute('inputmode', 'numeric');
    await userEvent.type(input, '4 3{Enter}');
    expect(send).toHaveBeenCalledWith(31, '43');
    expect(await screen.findByRole('status')).toHaveTextContent(/someone will check it/i);
  });

  it('refuses what is not one digit for each digit read, says why, and sends nothing', async () => {
    const send = vi.fn();
    render(<NumberFeedback predictionId={31} number="42" send={send} />);
    const input = screen.getByRole('textbox', { name: 'The right number' });
    await userEvent.type(input, '4x');
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Type the number in digits only, 0 to 9.');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAccessibleDescription('Type the number in digits only, 0 to 9.');
    await userEvent.clear(input);
    await userEvent.type(input, '421{Enter}'); // three digits for two boxes
    expect(screen.getByRole('alert')).toHaveTextContent('Type 2 digits, one for each box on the drawing.');
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
    await userEvent.type(screen.getByRole('textbox', { name: 'The right number' }), '41');
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many requests from your address.');
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(await screen.findByRole('status')).toHaveTextContent(/thank you/i);
    expect(send.mock.calls).toEqual([
      [31, '41'],
      [31, '41'],
    ]);
  });

  it('treats a duplicate answer as done', async () => {
    const send = vi.fn().mockRejectedValue(new ApiError(409, 'duplicate_feedback', 'Already answered.'));
    render(<NumberFeedback predictionId={31} number="42" send={send} />);
    await userEvent.click(screen.getByRole('button', { name: 'Yes, it is 42' }));
    expect(await screen.findByRole('status')).toHaveTextContent(/thank you/i);
  });
});
