// Replies shaped like docs/api-contract.md.
const grid = (value) => Array.from({ length: 8 }, (_, r) => Array.from({ length: 8 }, (_, c) => (c === 4 ? value : r % 2)));

export function predictReply(overrides = {}) {
  const probabilities = [0, 0.01, 0, 0, 0, 0, 0, 0.93, 0.06, 0];
  return { digit: 7, probabilities, input: grid(16), ...overrides };
}

/** POST /api/predict/number for a drawn "42" on the 840 x 280 Number canvas; `unsure` marks the digits not sure of. */
export function numberReply({ number = '42', unsure = [], ...overrides } = {}) {
  const digits = [...number].map((d, i) => {
    const digit = Number(d);
    const probabilities = Array.from({ length: 10 }, (_, k) => (k === digit ? 0.9 : 0.1 / 9));
    const uncertain = unsure.includes(i);
    const reason = uncertain ? { reason: 'far_from_training_data' } : {};
    return { digit, probabilities, box: [60 + 140 * i, 70, 100, 140], uncertain, ...reason, neighbors: [] };
  });
  return { number, digits, uncertain: unsure.length > 0, prediction_id: 31, model_version: 1, ...overrides };
}

export const neighbors = [
  { label: 7, distance: 12.4, source: 'load_digits', input: grid(16) },
  { label: 1, distance: 15.0, source: 'load_digits', input: grid(8) },
];

export function statsReply() {
  const matrix = Array.from({ length: 10 }, (_, t) => Array.from({ length: 10 }, (_, p) => (t === p ? 4 : 0)));
  matrix[7][1] = 2;
  return {
    prediction_count: 120,
    feedback_count: 42,
    accuracy: 0.95,
    per_digit: Array.from({ length: 10 }, (_, d) => ({
      digit: d,
      count: d === 7 ? 6 : d === 3 ? 0 : 4,
      correct: 4,
      accuracy: d === 7 ? 4 / 6 : d === 3 ? null : 1,
    })),
    confusion_matrix: matrix,
    per_model: [{ version: 1, count: 42, correct: 40, accuracy: 40 / 42 }],
    daily: [{ date: '2026-11-23', predictions: 120, feedback: 42 }],
  };
}

export function model(overrides = {}) {
  return {
    version: 1,
    status: 'ready',
    progress: 1,
    active: true,
    created: '2026-11-23T16:00:00Z',
    params: { n_neighbors: 5, weights: 'distance' },
    samples: { load_digits: 1437, synthetic: 14370, feedback: 12 },
    cv_accuracy: 0.98,
    feedback_accuracy: 0.9,
    reference: reference(0.962),
    error: null,
    ...overrides,
  };
}

/** Reference-set figures as GET /api/models gives them: every digit at `share`, digit 3 one point lower. */
export function reference(share) {
  const part = { overall: share, per_digit: Array.from({ length: 10 }, (_, d) => (d === 3 ? share - 0.01 : share)) };
  return { handwriting: part, load_digits: part, all: part };
}

/** GET /api/feedback?status=pending */
export function reviewReply(ids = [11, 12]) {
  return {
    counts: { pending: ids.length, accepted: 40, rejected: 2 },
    feedback: ids.map((id) => ({
      id,
      prediction_id: id + 100,
      label: 8,
      predicted: 3,
      confidence: 1,
      status: 'pending',
      client: '0123456789abcdef',
      created: '2026-11-30T12:00:00Z',
      reviewed: null,
      input: grid(12),
    })),
  };
}

/** A fetch Response-like object with a JSON body. */
export function jsonResponse(status, body) {
  return { ok: status >= 200 && status < 300, status, json: async () => body };
}

export function errorReply(status, code, message = `${code} happened`) {
  return jsonResponse(status, { error: { code, message } });
}
