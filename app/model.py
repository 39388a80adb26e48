"""The fitted k-nearest-neighbours model together with the training samples it votes with."""
from dataclasses import dataclass

import numpy as np

N_CLASSES = 10
SOURCES = ("load_digits", "synthetic", "feedback")


@dataclass(frozen=True)
class Prediction:
    """One answer: the digit, the vote share of every class and the neighbours that voted."""

    digit: int
    probabilities: np.ndarray
    neighbor_indices: np.ndarray
    neighbor_distances: np.ndarray


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
    same neighbour search that classifies (no second search).
    """

    def __init__(self, knn, inputs, labels, sources):
        self.knn = knn
        self.inputs = np.asarray(inputs, dtype=np.uint8).reshape(len(inputs), -1)
        self.labels = np.asarray(labels, dtype=np.int64)
        self.sources = np.asarray(sources, dtype=np.uint8)

    @property
    def n_neighbors(self):
        return self.knn.n_neighbors

    def predict(self, features):
        """Features of shape (n, 8, 8) or (n, 64) -> list of ``Prediction``."""
        features = np.asarray(features, dtype=np.float64).reshape(len(features), -1)
        distances, indices = self.knn.kneighbors(features)
        weights = vote_weights(distances, self.knn.weights)
        votes = np.zeros((len(features), N_CLASSES))
        np.add.at(votes, (np.arange(len(features))[:, None], self.labels[indices]), weights)
        probabilities = votes / votes.sum(axis=1, keepdims=True)
        digits = probabilities.argmax(axis=1)
        return [
            Prediction(int(digits[i]), probabilities[i], indices[i], distances[i])
            for i in range(len(features))
        ]

    def predict_one(self, features):
        """One 8x8 feature grid -> ``Prediction``."""
        return self.predict(np.asarray(features)[None])[0]

    def source_name(self, index):
        return SOURCES[self.sources[index]]
