"""The fitted k-nearest-neighbours model together with the training samples it votes with."""
import pickle
from dataclasses import dataclass

import numpy as np

from .uncertainty import judge

N_CLASSES = 10
SOURCES = ("load_digits", "synthetic", "feedback", "handwriting")
DERIVED = ("_points", "_norms", "_axes", "_centre", "_bounds", "_largest", "_knn")  # rebuilt on load, never pickled
BOUND_AXES = 16  # principal axes of the single-query lower bound (8 or 12 prune less and were slower)
SEED_SIZE = 64  # about this many samples nearest by projection set the first k-th best distance
SEED_STRIDE = 16  # the seed's bound threshold is estimated on every SEED_STRIDE-th sample
BOUND_SLACK = 1e-5  # bound rounding allowance, as a share of the largest squared projection norms involved


def _exact_in_float32(query):
    """True when every squared distance to the integer samples is exact in float32 (whole numbers <= 255)."""
    return bool(np.all(query == np.rint(query)) and np.abs(query).max(initial=0) <= 255)


@dataclass(frozen=True)
class Neighbor:
    """A training sample that voted: its label, distance, where it came from and its 8x8 input."""

    label: int
    distance: float
    source: str
    input: np.ndarray


@dataclass(frozen=True)
class Prediction:
    """One answer: the digit, the vote share of every class, the neighbours that voted and whether
    to trust it (``reason`` is None when the answer is not uncertain)."""

    digit: int
    probabilities: np.ndarray
    neighbors: tuple
    reason: str | None

    @property
    def uncertain(self):
        return self.reason is not None


def vote_weights(distances, weights):
    """Per-neighbour vote weights, as scikit-learn's KNeighborsClassifier computes them."""
    if weights == "uniform":
        return np.ones_like(distances)
    with np.errstate(divide="ignore"):
        inverse = 1.0 / distances
    exact = np.isinf(inverse)
    rows = exact.any(axis=1)
    inverse[rows] = exact[rows]  # an exact match takes the whole vote
    return inverse


class DigitClassifier:
    """A fitted ``KNeighborsClassifier`` plus, per training sample, its 8x8 input, label and source.

    Keeping the samples lets every answer name the training digits that voted for it, from the
    same neighbour search that classifies (no second search). ``far_threshold`` (set when the
    model is built) is the outlier score above which an answer is flagged as uncertain.
    """

    def __init__(self, knn, inputs, labels, sources, far_threshold=None):
        self._knn, self._knn_pickle = knn, None
        self.n_neighbors = knn.n_neighbors
        self.weights = knn.weights
        self.inputs = np.asarray(inputs, dtype=np.uint8).reshape(len(inputs), -1)
        self.labels = np.asarray(labels, dtype=np.int64)
        self.sources = np.asarray(sources, dtype=np.uint8)
        self.far_threshold = far_threshold
        self._index_samples()

    @property
    def knn(self):
        """The fitted scikit-learn ``KNeighborsClassifier``, unpickled on first use.

        Serving answers with ``kneighbors`` below and never needs it, so a server starts without
        importing scikit-learn (over a second of its start-up); the CLI, tests and training use it.
        """
        if self._knn is None:
            self._knn = pickle.loads(self._knn_pickle)
        return self._knn

    def _index_samples(self):
        """The arrays the search reads, derived from the samples (so never pickled).

        ``_points`` and ``_norms``: the float32 samples and their squared norms, for the matrix product.
        ``_axes``, ``_centre`` and ``_bounds``: the top ``BOUND_AXES`` principal axes of the samples and,
        per sample (a column), its projection on them and that projection's squared norm, for the
        single-query search: the distance between two projections is a lower bound on the distance between
        the samples, since an orthogonal projection never lengthens a vector.
        """
        self._points = self.inputs.astype(np.float32)
        self._norms = np.einsum("ij,ij->i", self._points, self._points)
        centre = self._points.mean(axis=0, dtype=np.float64)
        centred = self._points - centre
        _, vectors = np.linalg.eigh(centred.T.astype(np.float64) @ centred)  # eigenvalues in ascending order
        self._axes = np.ascontiguousarray(vectors[:, ::-1][:, :BOUND_AXES], dtype=np.float32)
        self._centre = centre.astype(np.float32)
        projected = centred @ self._axes
        # one row per axis and a last row of squared norms: row-major (axes + 1, samples), which a
        # vector-matrix product reads about three times faster than the (samples, axes + 1) layout
        self._bounds = np.ascontiguousarray(np.vstack([projected.T, np.einsum("ij,ij->i", projected, projected)]))
        self._largest = float(self._bounds[-1].max(initial=0.0))

    def __getstate__(self):
        state = {name: value for name, value in self.__dict__.items() if name not in DERIVED}
        state["_knn_pickle"] = self._knn_pickle or pickle.dumps(self._knn, protocol=pickle.HIGHEST_PROTOCOL)
        return state

    def __setstate__(self, state):
        knn = state.pop("knn", None)  # files from before the estimator was pickled on its own
        if knn is not None:
            state.update(_knn_pickle=None, n_neighbors=knn.n_neighbors, weights=knn.weights)
        self.__dict__.update(state, _knn=knn)
        self._index_samples()

    def kneighbors(self, features):
        """(distances, indices) of the k nearest training samples to each row of ``features``, nearest first.

        The exact Euclidean search of the fitted ``KNeighborsClassifier`` (tests hold them equal), ties at
        equal distance going to the lower sample index. One query of whole numbers (block counts, what
        serving sends) goes through ``_kneighbors_one``; several through one matrix product:
        scikit-learn's ``kneighbors`` spends ~1 ms per call on validation and dispatch, more than the
        whole search.
        """
        if len(features) == 1 and _exact_in_float32(features[0]):
            return tuple(part[None] for part in self._kneighbors_one(features[0]))
        squared = self._norms[None, :] - 2.0 * (features @ self._points.T)
        squared += np.einsum("ij,ij->i", features, features)[:, None]
        return self._nearest(squared, np.arange(self._points.shape[0]))

    def _kneighbors_one(self, query):
        """(distances, indices) for one query of whole numbers, pruned by the principal-axes lower bound.

        Only samples whose projection is within the current k-th best distance of the query's projection
        can be among the k nearest: a group of samples near it by projection sets that distance, then
        exact distances are computed for the samples whose bound does not exceed it (median ~45 of ~18,700
        for canvas drawings; a full selection over all the bounds would cost more than the whole search).
        Integer features make every squared distance exact in float32, so the answer is the brute
        force's; the slack only absorbs the rounding of the bounds.
        """
        k = self.n_neighbors
        projected = (query - self._centre) @ self._axes
        offset = float(projected @ projected)
        bounds = np.append(-2.0 * projected, np.float32(1.0)) @ self._bounds  # lower bound minus ``offset``
        sample = bounds[::SEED_STRIDE]
        rank = min(SEED_SIZE // SEED_STRIDE, len(sample) - 1)
        seed = np.flatnonzero(bounds <= np.partition(sample, rank)[rank])  # about SEED_SIZE nearest by projection
        if len(seed) < k:  # the estimate from every SEED_STRIDE-th sample fell short: take them exactly
            seed = np.argpartition(bounds, k - 1)[:k]
        kth = np.partition(self._squared_to(query, seed), k - 1)[k - 1]
        slack = BOUND_SLACK * (self._largest + offset)  # float32 rounding of the bounds
        candidates = np.flatnonzero(bounds <= kth - offset + slack)
        distances, indices = self._nearest(self._squared_to(query, candidates)[None], candidates)
        return distances[0], indices[0]

    def _squared_to(self, query, indices):
        """Squared distances from one query to the samples at ``indices``, as the matrix product computes them."""
        return self._norms[indices] - 2.0 * (self._points[indices] @ query) + np.float32(query @ query)

    def _nearest(self, squared, indices):
        """The k smallest of each row of ``squared`` (columns: samples ``indices``, ascending) -> (distances, indices).

        Nearest first; at equal distance the lower sample index wins, including at the k-th place
        (``argpartition`` alone would pick among equal distances in no particular order).
        """
        k = self.n_neighbors
        kth = np.partition(squared, k - 1, axis=1)[:, k - 1:k]
        rows, columns = np.nonzero(squared <= kth)  # k per row, more on a tie at the k-th distance
        values = squared[rows, columns]
        order = np.lexsort((columns, values, rows))  # by row, distance, then sample index
        counts = np.bincount(rows, minlength=len(squared))
        chosen = order[(np.cumsum(counts) - counts)[:, None] + np.arange(k)]
        return np.sqrt(np.maximum(values[chosen], 0.0)), indices[columns[chosen]]

    def neighbors(self, indices, distances):
        """The training samples at ``indices`` as ``Neighbor`` records, nearest first (fields taken as slices)."""
        sources = [SOURCES[s] for s in self.sources[indices].tolist()]
        return tuple(map(Neighbor, self.labels[indices].tolist(), np.asarray(distances, dtype=float).tolist(), sources,
                         self.inputs[indices].reshape(-1, 8, 8)))

    def predict(self, features):
        """Features of shape (n, 8, 8) or (n, 64) -> list of ``Prediction``, from one neighbour search."""
        features = np.asarray(features, dtype=np.float32).reshape(len(features), -1)
        distances, indices = self.kneighbors(features)
        weights = vote_weights(distances, self.weights)
        votes = np.zeros((len(features), N_CLASSES))
        np.add.at(votes, (np.arange(len(features))[:, None], self.labels[indices]), weights)
        probabilities = votes / votes.sum(axis=1, keepdims=True)
        return [
            Prediction(int(probabilities[i].argmax()), probabilities[i], self.neighbors(indices[i], distances[i]),
                       judge(probabilities[i], distances[i], self.far_threshold))
            for i in range(len(features))
        ]

    def predict_one(self, features):
        """One 8x8 feature grid -> ``Prediction``."""
        return self.predict(np.asarray(features)[None])[0]
