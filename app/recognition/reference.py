"""The trusted reference set: digits no model version trains on, drawn as users draw them on a drawings.

- ``handwriting``: the 1,000 real validation digits (``handwriting.split_indices``), each drawn twice, once
  along its traced centre-line with a round pen and once as its own grey image (a soft brush);
- ``load_digits``: the held-out load_digits (other writers, another style), drawn along their centre-lines.

Every drawing is seeded, so the set is the same for every version and every process. Its features are
computed once per process (on every core) and kept.
"""
import os
from functools import lru_cache

import numpy as np
from joblib import Parallel, delayed

from . import drawings
from . import preprocessing as pp
from .handwriting import load_real_digits, split_indices
from .model import N_CLASSES
from .training_set import heldout_indices, load_base_digits

SEED = 2026
STYLES = ("pen", "ink")


def draw_real(index, style, seed=SEED):
    """Real digit ``index`` drawn on a canvas in ``style`` ("pen" or "ink"), from its own seeded stream."""
    image = load_real_digits()[0][index]
    rng = np.random.default_rng([seed, STYLES.index(style), int(index)])
    return drawings.render_strokes(drawings.pen_strokes(image), rng) if style == "pen" else drawings.render_ink(image, rng)


def draw_load_digit(index, seed=SEED):
    """load_digits sample ``index`` drawn along its centre-line on a canvas, from its own seeded stream."""
    inputs, labels = load_base_digits()
    return drawings.render_digit(inputs[index], np.random.default_rng([seed, 2, int(index)]), label=labels[index])


def real_drawings(style):
    """(RGBA drawings, labels) of the real validation digits in ``style``."""
    validation = split_indices()[1]
    return [draw_real(i, style) for i in validation], load_real_digits()[1][validation]


def all_real_drawings():
    """(RGBA drawings, labels) of the real validation digits in every style, style after style (the
    reference set's order)."""
    parts = [real_drawings(style) for style in STYLES]
    return [image for images, _ in parts for image in images], np.concatenate([labels for _, labels in parts])


def _features(draw, items):
    """8x8 features of the drawings ``draw(item)`` (one worker's share)."""
    return [pp.features_from_image(draw(*item)).ravel() for item in items]


@lru_cache(maxsize=1)
def reference_set(n_jobs=None):
    """{name: (features (n, 64) uint8, labels)} for "handwriting" and "load_digits", built once per process."""
    n_jobs = n_jobs or os.cpu_count() or 1
    validation = split_indices()[1]
    jobs = {"handwriting": (draw_real, [(i, style) for style in STYLES for i in validation]),
            "load_digits": (draw_load_digit, [(i,) for i in heldout_indices()])}
    labels = {"handwriting": np.tile(load_real_digits()[1][validation], len(STYLES)),
              "load_digits": load_base_digits()[1][heldout_indices()]}
    built = {}
    for name, (draw, items) in jobs.items():
        shares = [share for share in np.array_split(np.arange(len(items)), n_jobs * 4) if len(share)]
        parts = Parallel(n_jobs=n_jobs)(delayed(_features)(draw, [items[i] for i in share]) for share in shares)
        built[name] = (np.asarray([f for part in parts for f in part], dtype=np.uint8), labels[name])
    return built


def accuracy_of(answers, labels):
    """{"overall": share right, "per_digit": [share right of each digit's drawings]}, rounded to 4 places."""
    right = np.asarray(answers) == np.asarray(labels)
    return {"overall": round(float(right.mean()), 4),
            "per_digit": [round(float(right[labels == d].mean()), 4) for d in range(N_CLASSES)]}


def reference_accuracy(model):
    """The model's accuracy on the reference set: overall and per digit, for each part and for both together."""
    parts = reference_set()
    report, all_answers, all_labels = {}, [], []
    for name, (features, labels) in parts.items():
        answers = [p.digit for p in model.predict(features)]
        report[name] = accuracy_of(answers, labels)
        all_answers.extend(answers)
        all_labels.extend(labels)
    report["all"] = accuracy_of(all_answers, np.asarray(all_labels))
    return report
