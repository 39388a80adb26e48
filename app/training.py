"""The training set: scikit-learn's ``load_digits`` (and, later, synthetic variants and feedback)."""
from dataclasses import dataclass

import numpy as np
from sklearn.datasets import load_digits

from .model import SOURCES


@dataclass
class TrainingSet:
    """Features (n, 64) uint8 0..16, labels, source index per sample and the source digit it came from."""

    inputs: np.ndarray
    labels: np.ndarray
    sources: np.ndarray
    groups: np.ndarray  # samples derived from one original share a group: CV never splits them

    def counts(self):
        """Number of samples per source name."""
        return {name: int((self.sources == i).sum()) for i, name in enumerate(SOURCES)}


def load_base_digits():
    """The 1,797 8x8 digits scikit-learn ships, as uint8 features and labels."""
    digits = load_digits()
    return digits.data.astype(np.uint8), digits.target.astype(np.int64)


def build_training_set(feedback_inputs=None, feedback_labels=None):
    """``load_digits`` plus optional user feedback samples (features already preprocessed)."""
    inputs, labels = load_base_digits()
    sources = np.zeros(len(labels), dtype=np.uint8)
    groups = np.arange(len(labels))
    if feedback_inputs is not None and len(feedback_inputs):
        fb_inputs = np.asarray(feedback_inputs, dtype=np.uint8).reshape(len(feedback_inputs), -1)
        inputs = np.vstack([inputs, fb_inputs])
        labels = np.concatenate([labels, np.asarray(feedback_labels, dtype=np.int64)])
        sources = np.concatenate([sources, np.full(len(fb_inputs), SOURCES.index("feedback"), np.uint8)])
        groups = np.concatenate([groups, groups.max() + 1 + np.arange(len(fb_inputs))])
    return TrainingSet(inputs, labels, sources, groups)
