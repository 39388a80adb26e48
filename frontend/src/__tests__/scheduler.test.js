// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import { createLatestOnly } from '../scheduler.js';

/** A job whose promise the test settles by hand. */
function deferredJob() {
  let resolve;
  let reject;
  const job = vi.fn(
    () =>
      new Promise((res, rej) => {
        resolve = res;
        reject = rej;
      }),
  );
  return { job, resolve: (v) => resolve(v), reject: (e) => reject(e) };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('createLatestOnly', () => {
  it('delivers the reply for the only request', async () => {
    const deliver = vi.fn();
    const q = createLatestOnly({ deliver });
    const a = deferredJob();
    q.submit(1, a.job);
    expect(a.job).toHaveBeenCalledTimes(1);
    expect(q.isBusy()).toBe(true);
    a.resolve('seven');
    await flush();
    expect(deliver).toHaveBeenCalledWith({ revision: 1, ok: true, value: 'seven' });
    expect(q.isBusy()).toBe(false);
  });

  it('keeps one request in flight and sends only the newest waiting one after it', async () => {
    const deliver = vi.fn();
    const q = createLatestOnly({ deliver });
    const [a, b, c] = [deferredJob(), deferredJob(), deferredJob()];
    q.submit(1, a.job);
    q.submit(2, b.job);
    q.submit(3, c.job);
    expect(b.job).not.toHaveBeenCalled();
    expect(c.job).not.toHaveBeenCalled();

    a.resolve('old');
    await flush();
    expect(deliver).not.toHaveBeenCalled(); // revision 1 is stale
    expect(b.job).not.toHaveBeenCalled(); // replaced by 3
    expect(c.job).toHaveBeenCalledTimes(1);

    c.resolve('new');
    await flush();
    expect(deliver).toHaveBeenCalledTimes(1);
    expect(deliver).toHaveBeenCalledWith({ revision: 3, ok: true, value: 'new' });
  });

  it('drops the reply in flight after invalidate and sends nothing more', async () => {
    const deliver = vi.fn();
    const q = createLatestOnly({ deliver });
    const [a, b] = [deferredJob(), deferredJob()];
    q.submit(1, a.job);
    q.submit(2, b.job);
    q.invalidate(3);
    a.resolve('late');
    await flush();
    expect(deliver).not.toHaveBeenCalled();
    expect(b.job).not.toHaveBeenCalled();
  });

  it('delivers errors for the newest revision and keeps working', async () => {
    const deliver = vi.fn();
    const q = createLatestOnly({ deliver });
    const [a, b] = [deferredJob(), deferredJob()];
    q.submit(1, a.job);
    const boom = new Error('down');
    a.reject(boom);
    await flush();
    expect(deliver).toHaveBeenCalledWith({ revision: 1, ok: false, error: boom });
    q.submit(2, b.job);
    b.resolve('back');
    await flush();
    expect(deliver).toHaveBeenLastCalledWith({ revision: 2, ok: true, value: 'back' });
  });

  it('treats a job that throws at once as a failed request', async () => {
    const deliver = vi.fn();
    const q = createLatestOnly({ deliver });
    q.submit(1, () => {
      throw new Error('no canvas');
    });
    await flush();
    expect(deliver).toHaveBeenCalledWith(expect.objectContaining({ revision: 1, ok: false }));
    expect(q.isBusy()).toBe(false);
  });
});
