"""app.recognition.search: the exact search below the threshold, the approximate index above it."""
import pickle

import numpy as np
import pytest
from sklearn.neighbors import KNeighborsClassifier

from app.recognition.model import DigitClassifier
from app.recognition.search import ApproximateIndex, ExactIndex, build_index
from settings import Settings

K = 5


def clustered(count, seed=0, centres=200):
    """Integer samples 0..16 around ``centres`` random centres (the same ones for every seed), like feature grids
    of a few hundred shapes."""
    middles = np.random.default_rng(0).integers(0, 17, (centres, 64))
    rng = np.random.default_rng(seed + 1)
    noise = rng.integers(-2, 3, (count, 64)) * (rng.random((count, 64)) < 0.3)
    return np.clip(middles[rng.integers(0, centres, count)] + noise, 0, 16).astype(np.uint8)


@pytest.fixture(scope="module")
def samples():
    return clustered(20_000)


@pytest.fixture(scope="module")
def queries():
    return clustered(400, seed=1).astype(np.float32)


def test_the_exact_search_up_to_the_threshold_the_approximate_one_above(samples):
    assert isinstance(build_index(samples, K, approximate_above=len(samples)), ExactIndex)
    assert isinstance(build_index(samples, K, approximate_above=len(samples) - 1), ApproximateIndex)
    assert isinstance(build_index(samples[:1000], K), ExactIndex)  # settings' threshold: far above 1,000
    assert Settings.APPROXIMATE_SEARCH_ABOVE >= 100_000


def test_the_approximate_index_finds_the_exact_neighbours(samples, queries):
    exact_distances, exact_indices = ExactIndex(samples, K).kneighbors(queries)
    distances, indices = ApproximateIndex(samples, K).kneighbors(queries)
    # neighbours at the same distances (which of several samples at one distance is found may differ)
    assert (distances == exact_distances).all(axis=1).mean() >= 0.98
    true = np.sqrt(((queries[:, None, :] - samples[indices].astype(np.float32)) ** 2).sum(axis=2))
    assert np.array_equal(distances, true.astype(np.float32))  # the distances of what it found are exact
    assert np.all(np.diff(distances, axis=1) >= 0)
    assert (distances[:, -1] >= exact_distances[:, -1]).all()


def test_the_approximate_index_puts_the_lower_index_first_at_a_tie():
    samples = np.repeat(clustered(300, seed=2), 3, axis=0)  # every sample three times
    distances, indices = ApproximateIndex(samples, K).kneighbors(samples[30:31].astype(np.float32))
    assert distances[0, :3].tolist() == [0, 0, 0] and indices[0, :3].tolist() == [30, 31, 32]


def test_a_model_above_the_threshold_predicts_with_the_approximate_index(samples, queries, monkeypatch):
    labels = np.arange(len(samples)) % 10
    exact = DigitClassifier(samples, labels, np.zeros(len(samples)), n_neighbors=K)
    monkeypatch.setattr(Settings, "APPROXIMATE_SEARCH_ABOVE", 10_000)
    approximate = DigitClassifier(samples, labels, np.zeros(len(samples)), n_neighbors=K)
    assert isinstance(exact._search, ExactIndex) and isinstance(approximate._search, ApproximateIndex)
    same = [a.digit == b.digit for a, b in zip(approximate.predict(queries), exact.predict(queries))]
    assert np.mean(same) >= 0.99
    copy = pickle.loads(pickle.dumps(approximate))  # the index is rebuilt on load, never pickled
    assert isinstance(copy._search, ApproximateIndex)
    assert copy.predict_one(queries[0].reshape(8, 8)).digit == approximate.predict_one(queries[0].reshape(8, 8)).digit
