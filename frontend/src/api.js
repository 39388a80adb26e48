// The one module that talks to the Flask API. URLs are relative, so the page
// works from whatever origin serves it. Every failure becomes an ApiError.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

const NETWORK_MESSAGE = 'Could not reach the server. Check your connection and try again.';

async function request(path, { method = 'GET', body, token } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network_error', NETWORK_MESSAGE);
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    // A proxy's HTML error page, or an empty body: reported below by status.
  }
  if (!response.ok) {
    const error = data && data.error;
    throw new ApiError(
      response.status,
      error?.code || 'http_error',
      error?.message || `The server answered ${response.status}. Please try again later.`,
    );
  }
  if (data === null) {
    throw new ApiError(response.status, 'bad_reply', 'The server sent a reply this page cannot read.');
  }
  return data;
}

/** POST a drawing to `path`; `store: false` asks for an answer that is not stored (a preview). */
const postDrawing = (path, image, { store = true } = {}) =>
  request(store ? path : `${path}?store=false`, { method: 'POST', body: { image } });

/**
 * Post a data URI (canvas export or uploaded file) and get the model's answer. With `store: false` the
 * server keeps nothing and the answer has no prediction_id (a preview while a stroke is drawn).
 */
export const predict = (image, options) => postDrawing('/api/predict', image, options);

/** Tell the server the true label for one of its predictions. */
export const sendFeedback = (predictionId, label) =>
  request('/api/feedback', { method: 'POST', body: { prediction_id: predictionId, label } });

export const getStats = () => request('/api/stats');

export const getModels = () => request('/api/models');

/** Start training a new model version (admin). */
export const trainModel = (token, { includeFeedback = true } = {}) =>
  request('/api/models', { method: 'POST', token, body: { include_feedback: includeFeedback } });

/**
 * Make a ready model version the one that answers predictions (admin). The server refuses a version that
 * reads the reference set worse than the versions served so far (409 quality_gate) unless `force` is set.
 */
export const activateModel = (token, version, { force = false } = {}) =>
  request(`/api/models/${encodeURIComponent(version)}/activate`, {
    method: 'POST',
    token,
    body: force ? { force: true } : undefined,
  });

/** Feedback newest first with counts per review status (admin); `status` 'pending' is what waits for review. */
export const listFeedback = (token, { status = 'pending', limit = 50 } = {}) =>
  request(`/api/feedback?status=${encodeURIComponent(status)}&limit=${encodeURIComponent(limit)}`, { token });

/** Accept (trained on) or reject (never trained on) feedback by id (admin). */
export const reviewFeedback = (token, ids, status) =>
  request('/api/feedback/review', { method: 'POST', token, body: { ids, status } });

/** Post a drawing of several digits side by side: the number read left to right, and each digit with its box. */
export const predictNumber = (image, options) => postDrawing('/api/predict/number', image, options);

/** Tell the server the right number (a string of digits, one per digit read) for one of its number predictions. */
export const sendNumberFeedback = (predictionId, number) =>
  request('/api/feedback', { method: 'POST', body: { prediction_id: predictionId, number } });
