"""The k-nearest-neighbours model: the training samples it votes with and the search over them."""
from dataclasses import dataclass

import numpy as np

from .search import build_index, exact_in_float32
from .uncertainty import judge

N_CLASSES = 10
SOURCES = ("load_digits", "synthetic", "feedback", "handwriting")
DERIVED = ("_search", "_people_search", "_is_people")  # rebuilt on load, never pickled
# What files from before carried and serving never read: the pickled scikit-learn estimator (a float32 copy of every
# sample: 504 MB at 2 M samples), dropped on load.
DROPPED = ("knn", "_knn", "_knn_pickle")


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
    """k-nearest neighbours over the training samples: per sample its 8x8 input, label and source.

    Keeping the samples lets every answer name the training digits that voted for it, from the
    same neighbour search that classifies (``app.recognition.search``: exactly scikit-learn's
    ``KNeighborsClassifier`` with these ``n_neighbors`` and ``weights`` at the usual size; tests hold them equal).
    ``far_threshold`` (set when the model is built) is the outlier
    score above which an answer is flagged as uncertain; ``shape_threshold`` the lower one above which a drawing
    of two crossing strokes is (``uncertainty.unlike_a_digit``). ``people`` marks the samples drawn by people (real
    handwriting, its variants, feedback): when set, "far" is measured against those alone, in a second
    search (over every sample when fewer than k are marked). The synthetic load_digits variants fill the space
    between digits, so a scribble, a letter or a dot finds one of them near; it stays far from anything a person
    wrote.
    """

    def __init__(self, inputs, labels, sources, n_neighbors=5, weights="distance", far_threshold=None, people=None,
                 shape_threshold=None):
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.inputs = np.asarray(inputs, dtype=np.uint8).reshape(len(inputs), -1)
        self.labels = np.asarray(labels, dtype=np.int64)
        self.sources = np.asarray(sources, dtype=np.uint8)
        self.far_threshold = far_threshold
        self.shape_threshold = shape_threshold
        people = None if people is None else np.flatnonzero(people)
        self.people = people if people is not None and len(people) >= self.n_neighbors else None  # too few: all
        self._index_samples()

    def _index_samples(self):
        """The neighbour search over the samples (``app.recognition.search``), derived from them: never pickled."""
        self._search = build_index(self.inputs, self.n_neighbors)
        people = getattr(self, "people", None)  # files from before it measure against every sample
        self._people_search = None if people is None else build_index(self.inputs[people], self.n_neighbors)
        self._is_people = np.zeros(len(self.inputs), dtype=bool)
        self._is_people[[] if people is None else people] = True

    def __getstate__(self):
        return {name: value for name, value in self.__dict__.items() if name not in DERIVED}

    def __setstate__(self, state):
        knn = state.get("knn")  # files from before the estimator was pickled on its own
        if knn is not None:
            state.update(n_neighbors=knn.n_neighbors, weights=knn.weights)
        state = {name: value for name, value in state.items() if name not in DROPPED}
        state.setdefault("shape_threshold", None)  # files from before it flag dots only
        self.__dict__.update(state)
        self._index_samples()

    def kneighbors(self, features):
        """(distances, indices) of the k nearest training samples to each row of ``features``, nearest first.

        At the model's usual size, the exact Euclidean search of scikit-learn's ``KNeighborsClassifier`` (tests hold
        them equal), ties at equal distance going to the lower sample index; above settings'
        APPROXIMATE_SEARCH_ABOVE samples, an approximate one (``app.recognition.search``).
        """
        return self._search.kneighbors(np.asarray(features, dtype=np.float32))

    def far_distances(self, features):
        """Distances from each row of ``features`` to the k nearest samples "far" is measured against
        (drawn by people when the model knows which; else every sample), nearest first."""
        search = self._people_search or self._search
        return search.kneighbors(np.asarray(features, dtype=np.float32).reshape(len(features), -1))[0]

    def _far(self, features, distances, indices):
        """``far_distances`` where the answer depends on it; elsewhere the k nearest of all, judged the same.

        When the k nearest samples are all drawn by people they are also the k nearest of people's; when their
        mean is already above the threshold, people's can only be farther. Only the other queries (a digit
        next to synthetic samples) need the second search.
        """
        if self._people_search is None:
            return distances
        needed = ~self._is_people[indices].all(axis=1)
        if self.far_threshold is not None:
            needed &= distances.mean(axis=1) <= self.far_threshold
        return self._searched_again(features, distances, needed)

    def _people_distances(self, features, distances, indices):
        """``far_distances`` of float32 ``features`` whose k nearest of all samples are (``distances``, ``indices``).

        Where those k are all drawn by people they are people's k nearest, at the same distances, when the search
        is exact and the distances too (queries of whole numbers: block counts); only the other queries are searched
        again.
        """
        if self._people_search is None:
            return distances
        if self._search.exact and self._people_search.exact and exact_in_float32(features):
            return self._searched_again(features, distances, ~self._is_people[indices].all(axis=1))
        return self._people_search.kneighbors(features)[0]

    def _searched_again(self, features, distances, needed):
        """``distances``, the rows ``needed`` replaced by the distances to people's k nearest."""
        far = distances.copy()
        if needed.any():
            far[needed] = self._people_search.kneighbors(features[needed])[0]
        return far

    def votes_and_far(self, features):
        """(each row's vote share of every class, as ``predict`` gives it; its ``far_distances``) from the fewest
        searches, without the rest of a ``Prediction``: what the number reader weighs its cuts by."""
        features = np.asarray(features, dtype=np.float32).reshape(len(features), -1)
        distances, indices = self.kneighbors(features)
        return self._probabilities(distances, indices), self._people_distances(features, distances, indices)

    def _probabilities(self, distances, indices):
        """Each query's vote share of every class, from its k nearest samples."""
        weights = vote_weights(distances, self.weights)
        votes = np.zeros((len(distances), N_CLASSES))
        np.add.at(votes, (np.arange(len(distances))[:, None], self.labels[indices]), weights)
        return votes / votes.sum(axis=1, keepdims=True)

    def neighbors(self, indices, distances):
        """The training samples at ``indices`` as ``Neighbor`` records, nearest first (fields taken as slices)."""
        sources = [SOURCES[s] for s in self.sources[indices].tolist()]
        return tuple(map(Neighbor, self.labels[indices].tolist(), np.asarray(distances, dtype=float).tolist(), sources,
                         self.inputs[indices].reshape(-1, 8, 8)))

    def predict(self, features, shapes=None):
        """Features of shape (n, 8, 8) or (n, 64) -> list of ``Prediction``, from one neighbour search; ``shapes``:
        each drawing's ``preprocessing.Shape``, when known."""
        features = np.asarray(features, dtype=np.float32).reshape(len(features), -1)
        distances, indices = self.kneighbors(features)
        probabilities = self._probabilities(distances, indices)
        far = self._far(features, distances, indices)
        shapes = [None] * len(features) if shapes is None else shapes
        return [
            Prediction(int(probabilities[i].argmax()), probabilities[i], self.neighbors(indices[i], distances[i]),
                       judge(probabilities[i], far[i], self.far_threshold, shapes[i], self.shape_threshold))
            for i in range(len(features))
        ]

    def predict_one(self, features, shape=None):
        """One 8x8 feature grid (and the drawing's ``Shape``, when known) -> ``Prediction``."""
        return self.predict(np.asarray(features)[None], None if shape is None else [shape])[0]
