"""The k-nearest-neighbour search over the training samples: exact at the model's usual size, approximate above it.

``build_index`` chooses. Up to APPROXIMATE_SEARCH_ABOVE samples (settings.py) it is ``ExactIndex``: the exact
Euclidean search of scikit-learn's KNeighborsClassifier, ties at equal distance going to the lower sample
index. Above it, ``ApproximateIndex``: a faiss inverted-file index finds candidates, which are then ranked exactly.
Both answer ``kneighbors(features) -> (distances, indices)``, nearest first.
"""
import logging

import numpy as np

BOUND_AXES = 16  # principal axes of the single-query lower bound (8 or 12 prune less and were slower)
SEED_SIZE = 64  # about this many samples nearest by projection set the first k-th best distance
SEED_STRIDE = 16  # the seed's bound threshold is estimated on every SEED_STRIDE-th sample
BOUND_SLACK = 1e-4  # bound rounding allowance (float32), as a share of the largest squared projection norms involved
LISTS_PER_ROOT = 1.0  # the samples are split into this many times sqrt(samples) clusters (faiss' nlist)
PROBES = 32  # clusters nearest to a query whose samples are searched (nprobe): more find more true neighbours
TRAINING_PER_LIST = 40  # samples per cluster the clustering learns from (faiss asks for at least 39)
CANDIDATES = 16  # nearest found in the probed clusters, ranked exactly for the k answered
ADD_CHUNK = 100_000  # samples converted to float32 and added to the index at a time
SEED = 1234  # the clustering's sample and start: the same samples give the same index


def build_index(inputs, k, approximate_above=None):
    """The search over ``inputs`` (n, 64) uint8 samples for ``k`` neighbours: exact unless there are more than
    ``approximate_above`` samples (default: settings' APPROXIMATE_SEARCH_ABOVE)."""
    if approximate_above is None:
        from settings import Settings

        approximate_above = Settings.APPROXIMATE_SEARCH_ABOVE
    if len(inputs) > approximate_above:
        return ApproximateIndex(inputs, k)
    return ExactIndex(inputs, k)


def exact_in_float32(query):
    """True when every squared distance from ``query`` (one query or several) to the integer samples is exact in
    float32 (whole numbers <= 255)."""
    return bool(np.all(query == np.rint(query)) and np.abs(query).max(initial=0) <= 255)


def nearest_first(squared, indices, k):
    """The k smallest of each row of ``squared`` (columns: samples ``indices``, one row or one per query)
    -> (distances, indices), nearest first; at equal distance the lower sample index wins, at the k-th place too
    (``argpartition`` alone would pick among equal distances in no particular order)."""
    kth = np.partition(squared, k - 1, axis=1)[:, k - 1:k]
    rows, columns = np.nonzero(squared <= kth)  # k per row, more on a tie at the k-th distance
    values = squared[rows, columns]
    samples = np.broadcast_to(indices, squared.shape)[rows, columns]
    order = np.lexsort((samples, values, rows))  # by row, distance, then sample index
    counts = np.bincount(rows, minlength=len(squared))
    chosen = order[(np.cumsum(counts) - counts)[:, None] + np.arange(k)]
    return np.sqrt(np.maximum(values[chosen], 0.0)), samples[chosen]


class ExactIndex:
    """Exact search: one float32 matrix product for several queries, a pruned search for one."""

    exact = True  # the k nearest found are the true k nearest

    def __init__(self, inputs, k):
        """The arrays the search reads, derived from the samples.

        ``_points`` and ``_norms``: the float32 samples and their squared norms, for the matrix product.
        ``_axes``, ``_centre`` and ``_bounds``: the top ``BOUND_AXES`` principal axes of the samples and,
        per sample (a column), its projection on them and that projection's squared norm, for the
        single-query search: the distance between two projections is a lower bound on the distance between
        the samples, since an orthogonal projection never lengthens a vector.
        """
        self.k = k
        self._points = inputs.astype(np.float32)
        self._norms = np.einsum("ij,ij->i", self._points, self._points)
        centre = self._points.mean(axis=0, dtype=np.float64)
        centred = self._points - centre
        _, vectors = np.linalg.eigh(centred.T.astype(np.float64) @ centred)  # eigenvalues in ascending order
        self._axes = np.ascontiguousarray(vectors[:, ::-1][:, :BOUND_AXES], dtype=np.float32)
        self._centre = centre.astype(np.float32)
        projected = (self._points - self._centre) @ self._axes  # float32: half the memory a query streams
        # one row per axis and a last row of squared norms: row-major (axes + 1, samples), which a
        # vector-matrix product reads about three times faster than the (samples, axes + 1) layout
        self._bounds = np.ascontiguousarray(np.vstack([projected.T, np.einsum("ij,ij->i", projected, projected)]))
        self._largest = float(self._bounds[-1].max(initial=0.0))

    @property
    def nbytes(self):
        """Memory the search adds to the samples."""
        return sum(array.nbytes for array in (self._points, self._norms, self._axes, self._centre, self._bounds))

    def kneighbors(self, features):
        """(distances, indices) of the k nearest samples to each row of float32 ``features``.

        Queries of whole numbers (block counts: what serving and training send) go one by one through
        ``_kneighbors_one``, which reads a few dozen samples each: 0.18 ms a query against 0.28 ms in a matrix
        product for a batch of 64 drawings, and 1.1 ms from 256 on, where the (queries, samples) product outgrows the
        caches. Their bounds come from one product for all of them, which reads the bounds once (the number
        reader's dozen halves of a cut search: a quarter less time than a product per query). Other queries go
        through one matrix product (scikit-learn's ``kneighbors`` spends ~1 ms per call on validation and dispatch,
        more than the whole search).
        """
        if len(features) and exact_in_float32(features):
            projected = (features - self._centre) @ self._axes
            bounds = np.hstack([-2.0 * projected, np.ones((len(features), 1), np.float32)]) @ self._bounds
            found = [self._kneighbors_one(*query) for query in zip(features, projected, bounds)]
            return np.stack([distances for distances, _ in found]), np.stack([indices for _, indices in found])
        squared = self._norms[None, :] - 2.0 * (features @ self._points.T)
        squared += np.einsum("ij,ij->i", features, features)[:, None]
        return nearest_first(squared, np.arange(self._points.shape[0]), self.k)

    def _kneighbors_one(self, query, projected, bounds):
        """(distances, indices) for one query of whole numbers, given its ``projected`` on the principal axes and the
        lower ``bounds`` (minus the projection's squared norm) of its distances to the samples, pruned by them.

        Only samples whose projection is within the current k-th best distance of the query's projection
        can be among the k nearest: a group of samples near it by projection sets that distance, then
        exact distances are computed for the samples whose bound does not exceed it (median ~45 of ~18,700
        for canvas drawings; a full selection over all the bounds would cost more than the whole search).
        Integer features make every squared distance exact in float32, so the answer is the brute
        force's; the slack only absorbs the rounding of the bounds.
        """
        k = self.k
        offset = float(projected @ projected)
        sample = bounds[::SEED_STRIDE]
        rank = min(SEED_SIZE // SEED_STRIDE, len(sample) - 1)
        seed = np.flatnonzero(bounds <= np.partition(sample, rank)[rank])  # about SEED_SIZE nearest by projection
        if len(seed) < k:  # the estimate from every SEED_STRIDE-th sample fell short: take them exactly
            seed = np.argpartition(bounds, k - 1)[:k]
        kth = np.partition(self._squared_to(query, seed), k - 1)[k - 1]
        slack = BOUND_SLACK * (self._largest + offset)  # float32 rounding of the bounds
        candidates = np.flatnonzero(bounds <= kth - offset + slack)  # in ascending order
        squared = self._squared_to(query, candidates)
        nearest = np.argsort(squared, kind="stable")[:k]  # a stable sort keeps the lower index first at a tie
        return np.sqrt(np.maximum(squared[nearest], 0.0)), candidates[nearest]

    def _squared_to(self, query, indices):
        """Squared distances from one query to the samples at ``indices``, as the matrix product computes them."""
        return self._norms[indices] - 2.0 * (self._points[indices] @ query) + np.float32(query @ query)


class ApproximateIndex:
    """faiss' inverted-file index over the samples stored as they are (8-bit, no quantisation loss): the samples
    are split into about sqrt(n) clusters (k-means), a query searches the samples of its ``PROBES`` nearest clusters
    and their ``CANDIDATES`` nearest are ranked by exact distance, the lower sample index first at a tie. An answer
    differs from the exact search's only when one of the true k nearest lies in a cluster that was not probed."""

    exact = False

    def __init__(self, inputs, k, probes=PROBES):
        logging.getLogger("faiss.loader").setLevel(logging.WARNING)  # not which CPU build it tried first
        import faiss  # only models above the threshold pay for the import

        self.k, self.candidates = k, max(CANDIDATES, k)
        lists = max(1, int(LISTS_PER_ROOT * np.sqrt(len(inputs))))
        self._index = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatL2(inputs.shape[1]), inputs.shape[1], lists,
                                                    faiss.ScalarQuantizer.QT_8bit_direct, faiss.METRIC_L2)
        self._index.by_residual = False  # store the samples themselves, not their offsets from the centroid
        self._index.cp.seed = SEED
        rng = np.random.default_rng(SEED)
        chosen = rng.choice(len(inputs), min(len(inputs), TRAINING_PER_LIST * lists), replace=False)
        self._index.train(inputs[np.sort(chosen)].astype(np.float32))
        for start in range(0, len(inputs), ADD_CHUNK):
            self._index.add(inputs[start:start + ADD_CHUNK].astype(np.float32))
        self._index.nprobe = min(probes, lists)

    @property
    def nbytes(self):
        """Memory of the index and its copy of the samples (faiss' own serialised size)."""
        import faiss

        return faiss.serialize_index(self._index).nbytes

    def kneighbors(self, features):
        """(distances, indices) of the k nearest samples found in the probed clusters for each row of ``features``."""
        features = np.ascontiguousarray(features, dtype=np.float32)
        squared, found = self._index.search(features, self.candidates)  # exact squared distances (8-bit direct)
        squared = np.where(found < 0, np.inf, squared)  # fewer samples than candidates in the probed clusters
        distances, indices = nearest_first(squared, found, self.k)
        return distances.astype(np.float32), indices
