"""Choose the normalisation settings, k, weights and the number of variants on a VALIDATION split.

``python -m benchmarks.tune``: the non-held-out load_digits are split again (stratified 20%); models
trained on the rest are scored on canvas renderings of the validation digits and by grouped CV.
The held-out test digits (``app.training.heldout_indices``) are never touched here.
"""
import itertools
import time

import numpy as np
from sklearn.model_selection import GroupKFold, cross_val_score, train_test_split
from sklearn.neighbors import KNeighborsClassifier

from app import preprocessing as pp
from app import training
from benchmarks.canvas import render_set
from benchmarks.handdrawn import render_handdrawn

CONFIGS = {
    "default": {},
    "no deskew": {"deskew": False},
    "centre of mass": {"centring": "mass"},
    "stroke 5": {"stroke": 5.0},
    "stroke 7": {"stroke": 7.0},
    "aspect 0.875": {"max_aspect": 0.875},
    "no stroke normalisation": {"stroke": None},
}


def pipeline(deskew=True, centring=pp.CENTRING, stroke=pp.STROKE_WIDTH, max_aspect=pp.MAX_ASPECT):
    """A ``normalised_features`` with the given settings."""
    def features(ink):
        mask = pp.binarize(pp.fit_height(ink, max_aspect=max_aspect))
        if deskew:
            mask = pp.deskew(mask)
        if stroke is not None:
            mask = pp.normalise_stroke(mask, stroke * pp.WORK_HEIGHT / pp.BOX)
        return pp.block_counts(pp.centre_in_box(pp.fit_box(mask, max_aspect=max_aspect), centring=centring))
    return features


def split():
    """(fit indices, validation indices) inside the training part of load_digits."""
    labels = training.load_base_digits()[1]
    train = training.training_indices(labels)
    fit, validation = train_test_split(train, test_size=0.2, stratify=labels[train], random_state=1)
    return np.sort(fit), np.sort(validation)


def take_variants(training_set, n_originals, have, want):
    """Keep the originals and the first ``want`` of every ``have`` variants per original."""
    keep = np.arange(n_originals).tolist()
    for i in range(n_originals):
        start = n_originals + i * have
        keep += range(start, start + want)
    keep = np.asarray(keep, dtype=int)
    return training_set.inputs[keep], training_set.labels[keep], training_set.groups[keep]


def score(inputs, labels, test_inputs, test_labels, k, weights):
    knn = KNeighborsClassifier(n_neighbors=k, weights=weights).fit(inputs, labels)
    return float((knn.predict(test_inputs) == test_labels).mean())


def evaluate(name, settings, fit, drawings, draw_labels, hand, hand_labels, n_variants, grid):
    """Build features for this config and print validation accuracies over the grid."""
    pp.normalised_features = pipeline(**settings)
    started = time.perf_counter()
    train_set = training.build_training_set(n_variants=n_variants, indices=fit)
    build = time.perf_counter() - started
    tests = np.asarray([pp.features_from_image(image).ravel() for image in drawings])
    hands = np.asarray([pp.features_from_image(image).ravel() for image in hand])
    for want, k, weights in grid:
        inputs, labels, groups = take_variants(train_set, len(fit), n_variants, want)
        canvas = score(inputs, labels, tests, draw_labels, k, weights)
        handdrawn = score(inputs, labels, hands, hand_labels, k, weights)
        print(f"{name:26s} variants={want:2d} k={k} {weights:8s} canvas={canvas:.3f} "
              f"hand={handdrawn:.3f} (build {build:.0f}s)", flush=True)


def main():
    original = pp.normalised_features
    fit, validation = split()
    inputs, labels = training.load_base_digits()
    drawings, draw_labels = render_set(inputs[validation], labels[validation], renderings=2, seed=11)
    hand, hand_labels = render_handdrawn(renderings=2, seed=11)
    print(f"fit {len(fit)} digits, validation {len(drawings)} canvas drawings, {len(hand)} hand-drawn")
    for name, settings in CONFIGS.items():
        evaluate(name, settings, fit, drawings, draw_labels, hand, hand_labels, 5, [(5, 3, "distance")])
    pp.normalised_features = original
    grid = list(itertools.product([0, 5, 10, 20], [1, 3, 5, 7], ["uniform", "distance"]))
    evaluate("chosen settings", {}, fit, drawings, draw_labels, hand, hand_labels, 20, grid)
    inputs_, labels_, groups_ = take_variants(training.build_training_set(n_variants=10, indices=fit), len(fit), 10, 10)
    for k, weights in itertools.product([1, 3, 5, 7], ["uniform", "distance"]):
        cv = cross_val_score(KNeighborsClassifier(n_neighbors=k, weights=weights), inputs_, labels_,
                             groups=groups_, cv=GroupKFold(5)).mean()
        print(f"grouped CV, 10 variants, k={k} {weights}: {cv:.4f}", flush=True)


if __name__ == "__main__":
    main()
