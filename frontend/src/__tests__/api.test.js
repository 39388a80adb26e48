// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, activateModel, listFeedback, predict, predictNumber, reviewFeedback, sendFeedback, trainModel } from '../api.js';
import { errorReply, jsonResponse, predictReply } from '../test/fixtures.js';

function mockFetch(...responses) {
  const fetchMock = vi.fn();
  for (const r of responses) fetchMock.mockResolvedValueOnce(r);
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

afterEach(() => vi.unstubAllGlobals());

describe('api', () => {
  it('posts the image as JSON to the relative predict URL', async () => {
    const fetchMock = mockFetch(jsonResponse(200, predictReply()));
    const reply = await predict('data:image/png;base64,AAA');
    expect(reply.digit).toBe(7);
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('/api/predict');
    expect(init.method).toBe('POST');
    expect(init.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(init.body)).toEqual({ image: 'data:image/png;base64,AAA' });
  });

  it('turns the JSON error shape into an ApiError with status, code and message', async () => {
    mockFetch(errorReply(422, 'empty_image', 'Draw something first.'));
    const error = await predict('x').catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 422, code: 'empty_image', message: 'Draw something first.' });
  });

  it('explains a network failure', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    const error = await predict('x').catch((e) => e);
    expect(error).toMatchObject({ status: 0, code: 'network_error' });
    expect(error.message).toMatch(/could not reach the server/i);
  });

  it('reports a non-JSON error page by its status', async () => {
    mockFetch({ ok: false, status: 502, json: async () => JSON.parse('<html>') });
    const error = await predict('x').catch((e) => e);
    expect(error).toMatchObject({ status: 502, code: 'http_error' });
    expect(error.message).toContain('502');
  });

  it('asks for an unstored answer with store: false', async () => {
    const fetchMock = mockFetch(jsonResponse(200, predictReply()), jsonResponse(200, predictReply()));
    await predict('data:image/png;base64,AAA', { store: false });
    expect(fetchMock.mock.calls[0][0]).toBe('/api/predict?store=false');
    await predict('data:image/png;base64,AAA', { store: true });
    expect(fetchMock.mock.calls[1][0]).toBe('/api/predict');
  });

  it('asks for an unstored number with store: false, as the previews in Number mode do', async () => {
    const fetchMock = mockFetch(jsonResponse(200, {}), jsonResponse(200, {}));
    await predictNumber('data:image/png;base64,AAA', { store: false });
    expect(fetchMock.mock.calls[0][0]).toBe('/api/predict/number?store=false');
    await predictNumber('data:image/png;base64,AAA');
    expect(fetchMock.mock.calls[1][0]).toBe('/api/predict/number');
  });

  it('sends feedback with the prediction id and label', async () => {
    const fetchMock = mockFetch(jsonResponse(201, { id: 5 }));
    await sendFeedback(12, 3);
    expect(fetchMock.mock.calls[0][0]).toBe('/api/feedback');
    expect(JSON.parse(fetchMock.mock.calls[0][1].body)).toEqual({ prediction_id: 12, label: 3 });
  });

  it('sends the admin token as a bearer token', async () => {
    const fetchMock = mockFetch(jsonResponse(202, { version: 3 }), jsonResponse(200, { version: 2 }));
    await trainModel('s3cret', { includeFeedback: false });
    await activateModel('s3cret', 2);
    expect(fetchMock.mock.calls[0][0]).toBe('/api/models');
    expect(fetchMock.mock.calls[0][1].headers.Authorization).toBe('Bearer s3cret');
    expect(JSON.parse(fetchMock.mock.calls[0][1].body)).toEqual({ include_feedback: false });
    expect(fetchMock.mock.calls[1][0]).toBe('/api/models/2/activate');
    expect(fetchMock.mock.calls[1][1].headers.Authorization).toBe('Bearer s3cret');
    expect(fetchMock.mock.calls[1][1].body).toBeUndefined();
  });

  it('forces an activation past the quality gate only when asked', async () => {
    const fetchMock = mockFetch(jsonResponse(200, { version: 2 }));
    await activateModel('s3cret', 2, { force: true });
    expect(JSON.parse(fetchMock.mock.calls[0][1].body)).toEqual({ force: true });
  });

  it('lists feedback held for review and sends the decision', async () => {
    const fetchMock = mockFetch(
      jsonResponse(200, { counts: { pending: 1 }, feedback: [] }),
      jsonResponse(200, { reviewed: 2, status: 'rejected' }),
    );
    await listFeedback('s3cret');
    await reviewFeedback('s3cret', [4, 5], 'rejected');
    expect(fetchMock.mock.calls[0][0]).toBe('/api/feedback?status=pending&limit=50');
    expect(fetchMock.mock.calls[0][1]).toMatchObject({ method: 'GET', headers: { Authorization: 'Bearer s3cret' } });
    expect(fetchMock.mock.calls[1][0]).toBe('/api/feedback/review');
    expect(JSON.parse(fetchMock.mock.calls[1][1].body)).toEqual({ ids: [4, 5], status: 'rejected' });
  });
});
