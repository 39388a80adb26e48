"""``ClassifierFactory`` trains the model: k-nearest neighbours on the training set, checked by grouped CV."""
import time
from datetime import datetime, timezone

import numpy as np
import sklearn
from sklearn.model_selection import GroupKFold

from .model import SOURCES, DigitClassifier
from .preprocessing import FEATURES_VERSION
from .reference import reference_accuracy
from .uncertainty import SHAPE_PERCENTILE, far_threshold, outlier_score
from . import training_set
from .training_set import HANDWRITING_VARIANTS, VARIANTS, heldout_indices


class ClassifierFactory:
    """Builds a ``DigitClassifier`` (k-nearest neighbours) and its metadata.

    The defaults were chosen on a validation split of the training digits by ``benchmarks/tune.py``
    (canvas renderings and grouped CV); see benchmarks/README.md.
    """

    def __init__(self, n_neighbors=5, weights="distance", cv_folds=5, n_variants=VARIANTS,
                 handwriting_variants=HANDWRITING_VARIANTS):
        self.params = {"n_neighbors": n_neighbors, "weights": weights}
        self.cv_folds = cv_folds
        self.n_variants = n_variants
        self.handwriting_variants = handwriting_variants

    def training_set(self, feedback_inputs=None, feedback_labels=None):
        """This factory's training set: the real handwriting less its validation digits, load_digits less its
        held-out digits, their variants, and the feedback given."""
        return training_set.build_training_set(feedback_inputs, feedback_labels, n_variants=self.n_variants,
                                                handwriting_variants=self.handwriting_variants)

    def fit(self, inputs, labels, sources, far_threshold=None, people=None, shape_threshold=None):
        """A ``DigitClassifier`` over these samples; ``people`` marks the samples drawn by people, which "far" is
        measured against."""
        return DigitClassifier(inputs, labels, sources, **self.params, far_threshold=far_threshold, people=people,
                               shape_threshold=shape_threshold)

    def cross_validate(self, training):
        """One grouped pass (folds never split samples derived from one source digit) over the original
        digits (real, load_digits and feedback; their synthetic variants only train) -> (their accuracy,
        each sample's outlier score against the folds without its group, NaN for the variants)."""
        scored = training.sources != SOURCES.index("synthetic")
        people = training.drawn_by_people()
        correct = np.zeros(len(training.labels), dtype=bool)
        scores = np.full(len(training.labels), np.nan)
        folds = GroupKFold(n_splits=self.cv_folds).split(training.inputs, groups=training.groups)
        for fit_rows, test_rows in folds:
            test_rows = test_rows[scored[test_rows]]
            model = self.fit(training.inputs[fit_rows], training.labels[fit_rows], training.sources[fit_rows],
                             people=people[fit_rows])
            predictions = model.predict(training.inputs[test_rows])
            correct[test_rows] = [p.digit for p in predictions] == training.labels[test_rows]
            scores[test_rows] = outlier_score(model.far_distances(training.inputs[test_rows]))
        return float(correct[scored].mean()), scores

    def build(self, training=None, progress=None):
        """Train on ``training`` (default: ``training_set()``) -> (DigitClassifier, metadata dict)."""
        started = time.perf_counter()
        report = progress or (lambda fraction: None)  # progress(share of the work done, 0..1)
        training = training or self.training_set()
        report(0.5)
        cv_accuracy, held_out_scores = self.cross_validate(training)
        report(0.9)
        real = training.sources == SOURCES.index("handwriting")  # real digits, each scored by a model without it
        held_out = held_out_scores[real] if real.any() else held_out_scores[~np.isnan(held_out_scores)]
        threshold, shape_threshold = far_threshold(held_out), far_threshold(held_out, SHAPE_PERCENTILE)
        model = self.fit(training.inputs, training.labels, training.sources, far_threshold=threshold,
                         people=training.drawn_by_people(), shape_threshold=shape_threshold)
        metadata = {
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "sklearn_version": sklearn.__version__,
            "params": dict(self.params),
            "training_samples": len(training.labels),
            "samples": training.counts(),
            "variants_per_digit": self.n_variants,
            "handwriting_variants": self.handwriting_variants,
            "heldout_digits": int(len(heldout_indices())),
            "features_version": FEATURES_VERSION,
            "cv_accuracy": round(cv_accuracy, 4),
            "far_threshold": round(threshold, 3),
            "shape_threshold": round(shape_threshold, 3),
            "training_seconds": round(time.perf_counter() - started, 1),
            "reference": reference_accuracy(model),
        }
        report(1.0)
        return model, metadata
