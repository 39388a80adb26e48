"""An honest confidence: is a drawing far from every training digit, or are its neighbours split?

"Far" is decided from the training data itself: the distances from training samples to their
nearest neighbours when the samples' own group (the source digit and its variants) is left out,
as grouped cross-validation does. A high percentile of those distances is the threshold; it is
stored with the model and recomputed whenever the model is retrained.
"""
import numpy as np
from sklearn.model_selection import GroupKFold
from sklearn.neighbors import NearestNeighbors

FAR_PERCENTILE = 99.5  # share of held-out training samples that count as "near"
SPLIT_VOTE_SHARE = 0.5  # the winning digit needs more than this share of the vote
FAR = "far_from_training_data"
SPLIT = "split_vote"


def outlier_score(distances):
    """How far a sample lies from the training data: mean distance to its k nearest neighbours."""
    return np.asarray(distances).mean(axis=-1)


def held_out_scores(training, n_neighbors, folds=5):
    """Outlier scores of every training sample against the folds that do not contain its group."""
    scores = np.empty(len(training.labels))
    for fit_rows, test_rows in GroupKFold(n_splits=folds).split(training.inputs, groups=training.groups):
        index = NearestNeighbors(n_neighbors=n_neighbors).fit(training.inputs[fit_rows])
        distances, _ = index.kneighbors(training.inputs[test_rows])
        scores[test_rows] = outlier_score(distances)
    return scores


def far_threshold(training, n_neighbors, percentile=FAR_PERCENTILE):
    """The outlier score above which a drawing is far from the training data."""
    return float(np.percentile(held_out_scores(training, n_neighbors), percentile))


def judge(probabilities, distances, threshold):
    """The reason an answer is uncertain, or None when it is not."""
    if threshold is not None and outlier_score(distances) > threshold:
        return FAR
    if np.max(probabilities) <= SPLIT_VOTE_SHARE:
        return SPLIT
    return None
