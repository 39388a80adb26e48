"""The training set: scikit-learn's ``load_digits``, synthetic variants of it, and user feedback.

Every load_digits sample is redrawn as a 32x32 bitmap (optdigits' own resolution) and sent through
the same normalisation a drawing goes through (``preprocessing.normalised_features``), so training
and requests are compared in one feature space. Variants are the same digits bent the ways people
bend them: rotated, slanted, squeezed, heavier or lighter, elastically distorted.
"""
from dataclasses import dataclass

import numpy as np
from scipy import ndimage
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from . import preprocessing as pp
from .model import SOURCES

HELDOUT_SHARE = 0.2
HELDOUT_SEED = 4  # fixed: the held-out digits must never change between training and benchmark
VARIANTS = 4  # synthetic variants per load_digits sample (chosen on the validation split)
VARIANT_SEED = 0
UPSAMPLE = 4  # 8x8 -> 32x32: optdigits' bitmap resolution
MARGIN = 12  # room around a redrawn digit so rotations and distortions stay inside


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


def heldout_indices(labels=None):
    """Indices of the fixed, stratified 20% of load_digits that the shipped model never trains on."""
    if labels is None:
        labels = load_base_digits()[1]
    indices = np.arange(len(labels))
    _, heldout = train_test_split(indices, test_size=HELDOUT_SHARE, stratify=labels, random_state=HELDOUT_SEED)
    return np.sort(heldout)


def training_indices(labels=None):
    """Indices of load_digits the shipped model trains on: everything not held out."""
    if labels is None:
        labels = load_base_digits()[1]
    return np.setdiff1d(np.arange(len(labels)), heldout_indices(labels))


def redraw(features, margin=MARGIN):
    """8x8 block counts -> binary 32x32 bitmap (bilinear upsampling, half-ink threshold), with a margin."""
    grid = np.pad(np.asarray(features, dtype=np.float32).reshape(pp.GRID, pp.GRID) / pp.MAX_VALUE, 1)
    size = (pp.GRID + 2) * UPSAMPLE
    bitmap = pp.resize_to(grid, size, size)[UPSAMPLE:-UPSAMPLE, UPSAMPLE:-UPSAMPLE] > 0.5
    return np.pad(bitmap, margin).astype(np.float32)


def affine_distort(image, rng, rotation=10.0, shear=0.1, aspect=0.1):
    """Rotate (degrees), slant and squeeze/stretch the image about its centre, by random amounts."""
    angle = np.deg2rad(rng.uniform(-rotation, rotation))
    cos, sin = np.cos(angle), np.sin(angle)
    stretch = np.exp(rng.uniform(-aspect, aspect))
    # maps output (row, col) to input coordinates: rotation @ shear @ column scaling
    matrix = np.array([[cos, -sin], [sin, cos]]) @ np.array([[1.0, 0.0], [rng.uniform(-shear, shear), 1.0]]) \
        @ np.diag([1.0, 1.0 / stretch])
    centre = (np.array(image.shape) - 1) / 2
    return ndimage.affine_transform(image, matrix, centre - matrix @ centre, order=1)


def elastic_distort(image, rng, alpha=2.5, sigma=4.0):
    """Smooth random displacement field (Simard et al. 2003): ``alpha`` pixels of wobble, ``sigma`` smooth."""
    shape = image.shape
    dy, dx = (ndimage.gaussian_filter(rng.uniform(-1, 1, shape), sigma, mode="constant") for _ in range(2))
    scale = alpha / max(np.abs(dy).max(), np.abs(dx).max(), 1e-9)
    rows, cols = np.meshgrid(np.arange(shape[0]), np.arange(shape[1]), indexing="ij")
    return ndimage.map_coordinates(image, [rows + scale * dy, cols + scale * dx], order=1)


def stroke_distort(image, rng, max_steps=1):
    """Make the strokes heavier or lighter by up to ``max_steps`` pixels (grey dilation / erosion)."""
    steps = int(rng.integers(-max_steps, max_steps + 1))
    if steps > 0:
        return ndimage.grey_dilation(image, size=(2 * steps + 1,) * 2)
    if steps < 0:
        eroded = ndimage.grey_erosion(image, size=(-2 * steps + 1,) * 2)
        return eroded if eroded.max() > 0.5 else image  # never erase a thin digit
    return image


def variant(bitmap, rng):
    """One random synthetic variant of a redrawn digit."""
    return stroke_distort(elastic_distort(affine_distort(bitmap, rng), rng), rng)


def bitmap_features(bitmap):
    """A float bitmap -> 8x8 features through the drawings' own normalisation."""
    return pp.normalised_features(pp.crop_to_ink(bitmap, 0.5))


def synthetic_samples(inputs, n_variants, seed=VARIANT_SEED):
    """``n_variants`` normalised variants of every input, in input order (variants of a sample adjacent)."""
    rng = np.random.default_rng(seed)
    features = [bitmap_features(variant(redraw(sample), rng)) for sample in inputs for _ in range(n_variants)]
    return np.asarray(features, dtype=np.uint8).reshape(len(features), pp.GRID * pp.GRID)


def base_set(indices, n_variants, seed=VARIANT_SEED):
    """load_digits samples ``indices`` (normalised) plus their variants; groups are load_digits indices."""
    all_inputs, all_labels = load_base_digits()
    inputs, labels = all_inputs[indices], all_labels[indices]
    originals = np.asarray([bitmap_features(redraw(sample)) for sample in inputs], dtype=np.uint8)
    synthetic = synthetic_samples(inputs, n_variants, seed)
    synthetic_index = SOURCES.index("synthetic")
    return TrainingSet(
        inputs=np.vstack([originals.reshape(len(inputs), -1), synthetic]),
        labels=np.concatenate([labels, np.repeat(labels, n_variants)]),
        sources=np.concatenate([np.zeros(len(labels), np.uint8), np.full(len(synthetic), synthetic_index, np.uint8)]),
        groups=np.concatenate([indices, np.repeat(indices, n_variants)]),
    )


def add_feedback(training, feedback_inputs, feedback_labels):
    """``training`` plus feedback samples (features already preprocessed), each in its own group."""
    if feedback_inputs is None or not len(feedback_inputs):
        return training
    fb_inputs = np.asarray(feedback_inputs, dtype=np.uint8).reshape(len(feedback_inputs), -1)
    first_group = max(int(training.groups.max()) + 1, len(load_base_digits()[1]))
    return TrainingSet(
        inputs=np.vstack([training.inputs, fb_inputs]),
        labels=np.concatenate([training.labels, np.asarray(feedback_labels, dtype=np.int64)]),
        sources=np.concatenate([training.sources, np.full(len(fb_inputs), SOURCES.index("feedback"), np.uint8)]),
        groups=np.concatenate([training.groups, first_group + np.arange(len(fb_inputs))]),
    )


def build_training_set(feedback_inputs=None, feedback_labels=None, n_variants=VARIANTS, indices=None):
    """The non-held-out load_digits (or ``indices``), their synthetic variants and optional feedback."""
    if indices is None:
        indices = training_indices()
    return add_feedback(base_set(np.asarray(indices), n_variants), feedback_inputs, feedback_labels)
