"""An honest confidence: is a drawing far from every digit people drew, or are its neighbours split?

"Far" is decided from the training data itself: the distances from the real handwritten training digits to
their nearest samples drawn by people (real digits, their variants, feedback) when the digit's own group (it
and its variants) is left out, as grouped cross-validation does. A high percentile of those distances is the
threshold; it is stored with the model and recomputed whenever the model is retrained. The synthetic
load_digits variants are left out of that distance (``DigitClassifier.people``): they fill the space between
digits, where scribbles and letters would otherwise find one near.
"""
import numpy as np

FAR_PERCENTILE = 97.0  # percent of real training digits held out by CV that count as "near" (`benchmarks.tune far`)
SPLIT_VOTE_SHARE = 0.5  # the winning digit needs more than this share of the vote
FAR = "far_from_training_data"
SPLIT = "split_vote"


def outlier_score(distances):
    """How far a sample lies from the training data: mean distance to its k nearest neighbours."""
    return np.asarray(distances).mean(axis=-1)


def far_threshold(held_out_scores, percentile=FAR_PERCENTILE):
    """The outlier score above which a drawing is far from the training data."""
    return float(np.percentile(held_out_scores, percentile))


def judge(probabilities, distances, threshold):
    """The reason an answer is uncertain, or None when it is not."""
    if threshold is not None and outlier_score(distances) > threshold:
        return FAR
    if np.max(probabilities) <= SPLIT_VOTE_SHARE:
        return SPLIT
    return None
