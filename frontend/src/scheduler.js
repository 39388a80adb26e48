// Sends at most one prediction request at a time and only ever reports the
// reply for the newest drawing. Each job is tagged with the drawing revision
// it was made for; replies for older revisions are dropped.

/**
 * createLatestOnly({ deliver }) returns { submit, invalidate, isBusy }.
 * - submit(revision, job): `job()` returns a promise; it runs now if nothing is
 *   in flight, otherwise it replaces any job already waiting.
 * - invalidate(revision): the drawing changed with nothing to send (cleared):
 *   forget waiting jobs and drop the reply in flight.
 * - deliver({ revision, ok, value | error }) is called only for the newest revision.
 */
export function createLatestOnly({ deliver }) {
  let latest = 0;
  let inFlight = false;
  let waiting = null;

  function pump() {
    if (inFlight || !waiting) return;
    const { revision, job } = waiting;
    waiting = null;
    inFlight = true;
    const settle = (outcome) => {
      inFlight = false;
      if (revision === latest) deliver({ revision, ...outcome });
      pump();
    };
    let promise;
    try {
      promise = Promise.resolve(job());
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      (value) => settle({ ok: true, value }),
      (error) => settle({ ok: false, error }),
    );
  }

  return {
    submit(revision, job) {
      latest = revision;
      waiting = { revision, job };
      pump();
    },
    invalidate(revision) {
      latest = revision;
      waiting = null;
    },
    isBusy: () => inFlight,
  };
}
