"""The training set: real handwritten digits, scikit-learn's ``load_digits``, synthetic variants of both,
and user feedback.

The real digits (``handwriting``: the project's slice of MNIST) are 28x28 grey ink images; each is scaled
up to the size of a drawing's ink map and sent through the drawings' own normalisation, as are variants of
it bent by a random affine and elastic distortion. Every load_digits sample is redrawn as a 32x32 bitmap (optdigits' own resolution) and sent through
the same normalisation a drawing goes through (``preprocessing.normalised_features``), so training
and requests are compared in one feature space. Variants are the same digits bent the ways people
bend them: rotated, slanted, squeezed, heavier or lighter, elastically distorted, and redrawn along
their centre-line with a round pen of random width, the way a canvas drawing is made.
"""
import os
from dataclasses import dataclass

import numpy as np
from joblib import Parallel, delayed
from scipy import ndimage
from skimage.morphology import skeletonize
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from . import preprocessing as pp
from .handwriting import load_real_digits, split_indices
from .ink import block_ink, crop_around, upsample_ink
from .model import SOURCES
from .preprocessing import holes

HELDOUT_SHARE = 0.2
HELDOUT_SEED = 4  # fixed: the held-out digits must never change between training and benchmark
VARIANTS = 12  # synthetic variants per load_digits sample (chosen on the validation split)
# Kinds of the variants of a sample, in turn: "distort" bends the redrawn bitmap, "pen" redraws the
# digit's centre-line with a round pen, as a person draws it on a canvas (12 variants: 2 + 10).
VARIANT_KINDS = ("distort", "pen", "pen", "pen", "pen", "pen")
VARIANT_SEED = 0
UPSAMPLE = 4  # 8x8 -> 32x32: optdigits' bitmap resolution
MARGIN = 12  # room around a redrawn digit so rotations and distortions stay inside
PEN_UPSAMPLE = 8  # 8x8 -> 64x64 for the pen variants: the normalisation's working resolution
PEN_WIDTH = (0.06, 0.2)  # pen width of a pen variant, as a share of the digit's height
CENTRE_THRESHOLDS = np.arange(0.3, 0.76, 0.05)  # candidate ink levels for a centre-line
HANDWRITING_VARIANTS = 4  # distorted variants per real handwritten digit (chosen on the validation split)
HANDWRITING_UPSAMPLE = 4  # 28x28 -> 112x112: above the normalisation's working resolution
HANDWRITING_MARGIN = 16  # room around an upsampled real digit so distortions stay inside
HANDWRITING_DISTORTION = {"rotation": 12.0, "shear": 0.15, "aspect": 0.15}
HANDWRITING_ELASTIC = {"alpha": 6.0, "sigma": 12.0}  # pixels of wobble and smoothness at 112x112
HANDWRITING_GROUPS = 100_000  # group of real digit i: HANDWRITING_GROUPS + i (load_digits' are its indices)
# Loops a person draws each digit with. 2 (curly or not) and 4 (open or closed) are drawn both ways.
LOOPS = {0: 1, 1: 0, 3: 0, 5: 0, 6: 1, 7: 0, 8: 2, 9: 1}


@dataclass
class TrainingSet:
    """Features (n, 64) uint8 0..16, labels, source index per sample and the source digit it came from."""

    inputs: np.ndarray
    labels: np.ndarray
    sources: np.ndarray
    groups: np.ndarray  # samples derived from one original share a group: CV never splits them

    def drawn_by_people(self):
        """Which samples come from people's handwriting: the real digits, their variants and feedback."""
        return self.groups >= HANDWRITING_GROUPS

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
    grid = block_ink(features)
    size = grid.shape[0] * UPSAMPLE
    bitmap = pp.resize_to(grid, size, size)[UPSAMPLE:-UPSAMPLE, UPSAMPLE:-UPSAMPLE] > 0.5
    return np.pad(bitmap, margin).astype(np.float32)


def affine_matrix(rng, rotation=10.0, shear=0.1, aspect=0.1):
    """A random rotation (degrees), slant and squeeze/stretch, as the 2x2 matrix mapping output (row, col)
    to input coordinates: rotation @ shear @ column scaling."""
    angle = np.deg2rad(rng.uniform(-rotation, rotation))
    cos, sin = np.cos(angle), np.sin(angle)
    stretch = np.exp(rng.uniform(-aspect, aspect))
    return np.array([[cos, -sin], [sin, cos]]) @ np.array([[1.0, 0.0], [rng.uniform(-shear, shear), 1.0]]) \
        @ np.diag([1.0, 1.0 / stretch])


def affine_distort(image, rng, rotation=10.0, shear=0.1, aspect=0.1):
    """Rotate (degrees), slant and squeeze/stretch the image about its centre, by random amounts."""
    matrix = affine_matrix(rng, rotation, shear, aspect)
    centre = (np.array(image.shape) - 1) / 2
    return ndimage.affine_transform(image, matrix, centre - matrix @ centre, order=1)


def displacement(shape, rng, alpha, sigma, coarse=1):
    """A smooth random displacement field (2, *shape) of at most ``alpha`` pixels (Simard et al. 2003).

    ``coarse`` > 1 draws and smooths the noise on a grid that many times coarser and resizes it up: the same
    smoothness (``sigma`` is in full-resolution pixels) at a fraction of the filtering cost.
    """
    small = tuple(-(-side // coarse) for side in shape)
    field = np.stack([pp.resize_to(ndimage.gaussian_filter(rng.uniform(-1, 1, small), sigma / coarse, mode="constant"),
                                   *shape) for _ in range(2)])
    return field * (alpha / max(np.abs(field).max(), 1e-9))


def elastic_distort(image, rng, alpha=2.5, sigma=4.0, coarse=4):
    """Smooth random displacement field (Simard et al. 2003): ``alpha`` pixels of wobble, ``sigma`` smooth."""
    dy, dx = displacement(image.shape, rng, alpha, sigma, coarse)
    rows, cols = np.meshgrid(np.arange(image.shape[0]), np.arange(image.shape[1]), indexing="ij")
    return ndimage.map_coordinates(image, [rows + dy, cols + dx], order=1)


def warp(image, rng, distortion, elastic, coarse=4):
    """An affine distortion (``affine_matrix``'s arguments) followed by an elastic one, in one interpolation."""
    matrix = affine_matrix(rng, **distortion)
    field = displacement(image.shape, rng, coarse=coarse, **elastic)
    grid = np.stack(np.meshgrid(np.arange(image.shape[0]), np.arange(image.shape[1]), indexing="ij")) + field
    centre = (np.array(image.shape) - 1) / 2
    coordinates = np.tensordot(matrix, grid - centre[:, None, None], axes=1) + centre[:, None, None]
    return ndimage.map_coordinates(image, coordinates, order=1)


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


def smooth_upsample(features, upsample=PEN_UPSAMPLE, margin=MARGIN * PEN_UPSAMPLE // UPSAMPLE):
    """8x8 block counts -> ink levels 0..1 at ``upsample`` x the resolution (bicubic), with a margin."""
    image = upsample_ink(block_ink(features), upsample)
    return np.pad(image[upsample:-upsample, upsample:-upsample], margin)


def centre_level(image, thresholds=CENTRE_THRESHOLDS, min_hole_area=8, loops=None):
    """The ink level whose shape is the digit's pen path.

    Of the levels that neither break the shape into more pieces nor shorten it by more than 10%
    compared with the lowest, the one whose loop count comes nearest ``loops`` (the digit's, from
    ``LOOPS``): a heavy 8x8 8 or 9 keeps its loops, and a 3 whose arcs run together is not drawn as a
    9. With ``loops`` None, the one that opens the most loops. Ties take the lowest level.
    """
    eight = np.ones((3, 3))
    base = image > thresholds[0]
    pieces, rows = ndimage.label(base, eight)[1], base.any(axis=1).sum()
    candidates = []
    for threshold in thresholds:
        shape = image > threshold
        if ndimage.label(shape, eight)[1] > pieces or shape.any(axis=1).sum() < 0.9 * rows:
            continue
        found = holes(shape, min_hole_area)
        candidates.append((-found if loops is None else abs(found - loops), threshold))
    return min(candidates)[1]


def pen_source(features, loops=None):
    """The digit at the pen variants' resolution and the ink level of its centre-line drawn with ``loops``
    loops (``LOOPS`` of its label; None: as many as open), with no randomness."""
    image = smooth_upsample(features)
    return image, centre_level(image, loops=loops)


def pen_variant(features, rng, width=None, source=None):
    """The digit bent (rotation, slant, aspect, elastic) and redrawn along its centre-line with a round
    pen of random width, as on a canvas -> float bitmap at the normalisation's working resolution.

    ``source``: the digit's ``pen_source`` (of its ``LOOPS``), computed here, with as many loops as open,
    when not given; a caller making several variants of one digit computes it once.
    """
    scale = PEN_UPSAMPLE / UPSAMPLE
    image, level = source or pen_source(features)
    image = crop_around(affine_distort(image, rng), pad=int(4 * scale))
    image = elastic_distort(image, rng, alpha=2.5 * scale, sigma=4.0 * scale)
    skeleton = skeletonize(image > level)
    if not skeleton.any():
        return redraw(features)
    height = np.ptp(np.flatnonzero(skeleton.any(axis=1))) + 1
    radius = rng.uniform(*(width or PEN_WIDTH)) * height / 2
    return (ndimage.distance_transform_edt(~np.pad(skeleton, int(radius) + 2)) <= radius).astype(np.float32)


def sample_variants(features, loops, kinds, rng, width=None):
    """Variants of one load_digits sample drawn with ``loops`` loops, one per entry of ``kinds``
    ("distort" or "pen")."""
    source = pen_source(features, loops) if "pen" in kinds else None
    return [pen_variant(features, rng, width, source) if kind == "pen" else variant(redraw(features), rng)
            for kind in kinds]


def bitmap_features(bitmap, normalise=None):
    """A float bitmap -> 8x8 features through the drawings' own normalisation (or ``normalise``)."""
    return (normalise or pp.normalised_features)(pp.crop_to_ink(bitmap, 0.5))


def variant_features(inputs, loops, seeds, kinds, width, normalise):
    """Features of the variants of ``inputs``, each sample drawing from its own seed (one worker's share)."""
    return [bitmap_features(bitmap, normalise) for sample, sample_loops, seed in zip(inputs, loops, seeds)
            for bitmap in sample_variants(sample, sample_loops, kinds, np.random.default_rng(seed), width)]


def synthetic_samples(inputs, labels, n_variants, seed=VARIANT_SEED, n_jobs=None):
    """``n_variants`` normalised variants of every input (of its label), in input order (variants of a
    sample adjacent).

    Built on every core (``n_jobs``: joblib's convention, default all). Each sample has its own random
    stream, spawned from ``seed``, so the result does not depend on how the work is split. The pen
    width, variant kinds, loops and normalisation are read here and passed on, so they reach the workers.
    """
    if not n_variants or not len(inputs):
        return np.zeros((0, pp.GRID * pp.GRID), dtype=np.uint8)
    kinds = [VARIANT_KINDS[i % len(VARIANT_KINDS)] for i in range(n_variants)]
    loops = [LOOPS.get(int(label)) for label in labels]
    seeds = np.random.SeedSequence(seed).spawn(len(inputs))
    n_jobs = n_jobs or os.cpu_count() or 1
    shares = np.array_split(np.arange(len(inputs)), n_jobs)
    work = (delayed(variant_features)(inputs[share], [loops[i] for i in share], [seeds[i] for i in share], kinds,
                                      PEN_WIDTH, pp.normalised_features) for share in shares if len(share))
    features = [f for part in Parallel(n_jobs=n_jobs)(work) for f in part]
    return np.asarray(features, dtype=np.uint8).reshape(len(features), pp.GRID * pp.GRID)


def base_set(indices, n_variants, seed=VARIANT_SEED):
    """load_digits samples ``indices`` (normalised) plus their variants; groups are load_digits indices."""
    if not len(indices):
        return empty_set()
    all_inputs, all_labels = load_base_digits()
    inputs, labels = all_inputs[indices], all_labels[indices]
    originals = np.asarray([bitmap_features(redraw(sample)) for sample in inputs], dtype=np.uint8)
    synthetic = synthetic_samples(inputs, labels, n_variants, seed)
    synthetic_index = SOURCES.index("synthetic")
    return TrainingSet(
        inputs=np.vstack([originals.reshape(len(inputs), -1), synthetic]),
        labels=np.concatenate([labels, np.repeat(labels, n_variants)]),
        sources=np.concatenate([np.zeros(len(labels), np.uint8), np.full(len(synthetic), synthetic_index, np.uint8)]),
        groups=np.concatenate([indices, np.repeat(indices, n_variants)]),
    )


def upsampled_ink(image, upsample=HANDWRITING_UPSAMPLE):
    """A 28x28 grey ink image (0..1) -> the same ink ``upsample`` times larger (bicubic), as a drawing's ink map."""
    return upsample_ink(image, upsample)


def ink_features(ink):
    """An ink map (0..1) -> 8x8 features through the drawings' own normalisation (crop at the drawings' ink level)."""
    return pp.normalised_features(pp.crop_to_ink(ink))


def distorted_ink(image, rng):
    """A real digit bent the ways people bend digits: rotated, slanted, squeezed and wobbled, at random."""
    ink = np.pad(upsampled_ink(image), HANDWRITING_MARGIN)
    return np.clip(warp(ink, rng, HANDWRITING_DISTORTION, HANDWRITING_ELASTIC), 0.0, 1.0)


def handwriting_features(images, seeds, n_variants):
    """Features of each real digit followed by those of its ``n_variants`` variants (one worker's share)."""
    features = []
    for image, seed in zip(images, seeds):
        rng = np.random.default_rng(seed)
        features.append(ink_features(upsampled_ink(image)))
        features.extend(ink_features(distorted_ink(image, rng)) for _ in range(n_variants))
    return features


def handwriting_set(indices=None, n_variants=HANDWRITING_VARIANTS, seed=VARIANT_SEED, n_jobs=None):
    """Real handwritten digits ``indices`` (default: the whole slice) and their variants, built on every core.

    Each digit draws from its own random stream, so the result does not depend on how the work is split.
    """
    images, labels = load_real_digits()
    indices = np.arange(len(labels)) if indices is None else np.asarray(indices, dtype=np.int64)
    per_digit = n_variants + 1
    if not len(indices):
        return empty_set()
    seeds = np.random.SeedSequence([seed, 14]).spawn(len(labels))
    n_jobs = n_jobs or os.cpu_count() or 1
    shares = [share for share in np.array_split(indices, n_jobs * 4) if len(share)]
    parts = Parallel(n_jobs=n_jobs)(delayed(handwriting_features)(images[share], [seeds[i] for i in share], n_variants)
                                    for share in shares)
    inputs = np.asarray([f for part in parts for f in part], dtype=np.uint8).reshape(-1, pp.GRID * pp.GRID)
    kinds = np.tile([SOURCES.index("handwriting")] + [SOURCES.index("synthetic")] * n_variants, len(indices))
    return TrainingSet(inputs=inputs, labels=np.repeat(labels[indices], per_digit), sources=kinds.astype(np.uint8),
                       groups=np.repeat(HANDWRITING_GROUPS + indices, per_digit))


def empty_set():
    """A training set with no samples."""
    return TrainingSet(np.zeros((0, pp.GRID * pp.GRID), np.uint8), np.zeros(0, np.int64), np.zeros(0, np.uint8),
                       np.zeros(0, np.int64))


def combine(*sets):
    """One training set holding the samples of ``sets``, in order."""
    return TrainingSet(*(np.concatenate([getattr(part, field) for part in sets])
                         for field in ("inputs", "labels", "sources", "groups")))


def add_feedback(training, feedback_inputs, feedback_labels):
    """``training`` plus feedback samples (features already preprocessed), each in its own group."""
    if feedback_inputs is None or not len(feedback_inputs):
        return training
    fb_inputs = np.asarray(feedback_inputs, dtype=np.uint8).reshape(len(feedback_inputs), -1)
    first_group = max(int(training.groups.max(initial=0)) + 1, HANDWRITING_GROUPS + len(load_real_digits()[1]))
    return TrainingSet(
        inputs=np.vstack([training.inputs, fb_inputs]),
        labels=np.concatenate([training.labels, np.asarray(feedback_labels, dtype=np.int64)]),
        sources=np.concatenate([training.sources, np.full(len(fb_inputs), SOURCES.index("feedback"), np.uint8)]),
        groups=np.concatenate([training.groups, first_group + np.arange(len(fb_inputs))]),
    )


def build_training_set(feedback_inputs=None, feedback_labels=None, n_variants=VARIANTS, indices=None,
                       handwriting=None, handwriting_variants=HANDWRITING_VARIANTS):
    """Real handwriting (``handwriting``: indices into the slice, default its training part) and its variants,
    the non-held-out load_digits (or ``indices``) and their variants, and optional feedback.

    The real validation digits are never trained on: they are the reference every version is measured on.
    """
    if indices is None:
        indices = training_indices()
    if handwriting is None:
        handwriting = split_indices()[0]
    real = handwriting_set(handwriting, handwriting_variants)
    return add_feedback(combine(real, base_set(np.asarray(indices), n_variants)), feedback_inputs, feedback_labels)
