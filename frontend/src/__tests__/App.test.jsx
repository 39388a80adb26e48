import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import App from '../App.jsx';
import { errorReply, statsReply, jsonResponse } from '../test/fixtures.js';

beforeEach(() => {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url) => (url === '/api/stats' ? jsonResponse(200, statsReply()) : errorReply(404, 'not_found'))),
  );
});
afterEach(() => vi.unstubAllGlobals());

describe('App navigation', () => {
  it('opens on the drawing page with the nav marking it current', () => {
    render(<App />);
    expect(screen.getByTestId('digit-canvas')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Draw' })).toHaveAttribute('aria-current', 'page');
  });

  it('moves between pages with History API paths and the back button', async () => {
    render(<App />);
    await userEvent.click(screen.getByRole('link', { name: 'Statistics' }));
    expect(window.location.pathname).toBe('/stats');
    expect(await screen.findByTestId('confusion-matrix')).toBeInTheDocument();
    expect(document.title).toBe('Statistics · Draw a digit');

    await userEvent.click(screen.getByRole('link', { name: 'Model' }));
    expect(window.location.pathname).toBe('/models');
    expect(await screen.findByText(/model versions are not available yet/i)).toBeInTheDocument();

    window.history.back();
    expect(await screen.findByTestId('confusion-matrix')).toBeInTheDocument();
  });

  it('switches between one digit and Number mode by links, with Draw still current in the nav', async () => {
    render(<App />);
    await userEvent.click(screen.getByRole('link', { name: 'Number' }));
    expect(window.location.pathname).toBe('/number');
    expect(screen.getByRole('img', { name: /write a number/ })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Draw' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getAllByRole('navigation', { name: 'Main' })[0].querySelectorAll('a')).toHaveLength(3);
    expect(document.title).toBe('Number · Draw a digit');

    await userEvent.click(screen.getByRole('link', { name: 'One digit' }));
    expect(window.location.pathname).toBe('/');
    expect(screen.getByRole('img', { name: /draw one digit/ })).toBeInTheDocument();
  });

  it('renders the page for a deep link', async () => {
    window.history.replaceState({}, '', '/stats');
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Statistics' })).toBeInTheDocument();
  });

  it('shows a not-found page for an unknown path', () => {
    window.history.replaceState({}, '', '/nope');
    render(<App />);
    expect(screen.getByRole('heading', { name: 'Page not found' })).toBeInTheDocument();
  });
});
