/** Loading, "not available yet" (404) or error text for a page fed by the API. */
export function LoadState({ status, error, what }) {
  if (status === 'loading') return <p className="muted">Loading {what}…</p>;
  if (error?.status === 404) {
    return (
      <p className="notice" data-testid="message">
        {what[0].toUpperCase() + what.slice(1)} are not available yet. This server does not offer them so far.
      </p>
    );
  }
  return (
    <p className="error" role="alert" data-testid="message">
      {error?.message || 'Something went wrong.'}
    </p>
  );
}
