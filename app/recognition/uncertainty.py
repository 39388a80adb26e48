"""An honest confidence: is a drawing far from every digit people drew, shaped like none, or are its neighbours
split?

"Far" is decided from the training data itself: the distances from the real handwritten training digits to
their nearest samples drawn by people (real digits, their variants, feedback) when the digit's own group (it
and its variants) is left out, as grouped cross-validation does. A high percentile of those distances is the
threshold; it is stored with the model and recomputed whenever the model is retrained. The synthetic
load_digits variants are left out of that distance (``DigitClassifier.people``): they fill the space between
digits, where scribbles and letters would otherwise find one near.

Two shapes no digit has are flagged as well, from the drawing as the normalisation first sees it
(``preprocessing.Shape``): a dot (under ``DOT_EXTENT`` stroke widths across, which the normalisation blows up to
a digit's size) and two crossing strokes (read as a 4) whose score is above a lower percentile of the same held-out
distances, ``SHAPE_PERCENTILE`` (`benchmarks.tune far`).
"""
import numpy as np

FAR_PERCENTILE = 97.0  # percent of real training digits held out by CV that count as "near" (`benchmarks.tune far`: CV on the 4,000)
SPLIT_VOTE_SHARE = 0.5  # the winning digit needs more than this share of the vote
DOT_EXTENT = 2.5  # stroke widths across below which a drawing is a dot (0.15 % of real training digits drawn)
SHAPE_PERCENTILE = 80.0  # percent of held-out real digits nearer than a crossing shape that is flagged
FAR = "far_from_training_data"
SHAPE = "not_a_digit_shape"
SPLIT = "split_vote"


def outlier_score(distances):
    """How far a sample lies from the training data: mean distance to its k nearest neighbours."""
    return np.asarray(distances).mean(axis=-1)


def far_threshold(held_out_scores, percentile=FAR_PERCENTILE):
    """The outlier score above which a drawing is far from the training data."""
    return float(np.percentile(held_out_scores, percentile))


def unlike_a_digit(shape, score, shape_threshold=None):
    """True for a dot, or for two crossing strokes whose outlier score is above ``shape_threshold``."""
    if shape.extent < DOT_EXTENT:
        return True
    return shape_threshold is not None and score > shape_threshold and shape.crossing


def judge(probabilities, distances, threshold, shape=None, shape_threshold=None):
    """The reason an answer is uncertain, or None when it is not; ``shape`` (a ``preprocessing.Shape``) when the
    drawing's is known."""
    score = outlier_score(distances)
    if shape is not None and unlike_a_digit(shape, score, shape_threshold):
        return SHAPE  # before FAR: the more telling reason for a drawing that is both
    if threshold is not None and score > threshold:
        return FAR
    if np.max(probabilities) <= SPLIT_VOTE_SHARE:
        return SPLIT
    return None
