"""Choose the recipe and the "not sure" thresholds by cross-validation on the training digits, never on the 1,000
real validation digits (the quality gate's reference set and the README's figures).

``python -m benchmarks.tune handwriting``: the training recipe on real handwriting. 0, 2 or 4 distorted
variants of each real digit, with or without load_digits and its variants, k = 3, 5, 7, by grouped 5-fold CV
over the 4,000 real training digits and the training part of load_digits: each fold's model reads the fold's
digits drawn on a canvas (real: pen and ink styles; load_digits: along their centre-lines).

``python -m benchmarks.tune far``: the "far from the training data" and crossing-shape percentiles
(``app.recognition.uncertainty``), by the same CV on the 4,000, with non-digits whose pairs are made of
training digits. ``python -m benchmarks.tune cv`` runs both in one process (the drawings are made once).

``python -m benchmarks.tune`` and its other modes: the older load_digits modes. The non-held-out load_digits
are split again (stratified 20%); models trained on the rest are scored on canvas renderings of the validation
digits and by grouped CV. The held-out test digits (``app.recognition.training_set.heldout_indices``) are never
touched.
"""
import itertools
import sys
import time
from functools import lru_cache

import numpy as np
from joblib import Parallel, delayed
from sklearn.model_selection import GroupKFold, cross_val_score, train_test_split
from sklearn.neighbors import KNeighborsClassifier

from app.recognition import preprocessing as pp
from app.recognition import training_set
from app.recognition.classifier_factory import ClassifierFactory
from app.recognition.model import SOURCES
from app.recognition.uncertainty import far_threshold, judge, outlier_score
from app.recognition.drawings import render_set
from benchmarks.handdrawn import render_handdrawn
from evaluation.nondigits import KINDS, render_nondigits

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
    labels = training_set.load_base_digits()[1]
    train = training_set.training_indices(labels)
    fit, validation = train_test_split(train, test_size=0.2, stratify=labels[train], random_state=1)
    return np.sort(fit), np.sort(validation)


def validation_drawings(renderings=3, hand_renderings=4):
    """(fit indices, canvas drawings of the validation digits, their labels, hand-drawn set, its labels)."""
    fit, validation = split()
    inputs, labels = training_set.load_base_digits()
    drawings, draw_labels = render_set(inputs[validation], labels[validation], renderings=renderings, seed=11)
    hand, hand_labels = render_handdrawn(renderings=hand_renderings, seed=11)
    print(f"fit {len(fit)} digits, validation {len(drawings)} canvas drawings, {len(hand)} hand-drawn", flush=True)
    return fit, drawings, draw_labels, hand, hand_labels


def features_of(images):
    """(n, 64) features of drawings through the current ``normalised_features``."""
    return np.asarray([pp.features_from_image(image).ravel() for image in images])


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
    train_set = training_set.build_training_set(n_variants=n_variants, indices=fit)
    build = time.perf_counter() - started
    tests, hands = features_of(drawings), features_of(hand)
    for want, k, weights in grid:
        inputs, labels, groups = take_variants(train_set, len(fit), n_variants, want)
        canvas = score(inputs, labels, tests, draw_labels, k, weights)
        handdrawn = score(inputs, labels, hands, hand_labels, k, weights)
        print(f"{name:26s} variants={want:2d} k={k} {weights:8s} canvas={canvas:.3f} "
              f"hand={handdrawn:.3f} (build {build:.0f}s)", flush=True)


def variant_pool(fit, kind, count, seed=training_set.VARIANT_SEED):
    """Features of ``count`` variants of one kind per fit digit, shape (digits, count, 64)."""
    kinds, training_set.VARIANT_KINDS = training_set.VARIANT_KINDS, (kind,)
    try:
        inputs, labels = training_set.load_base_digits()
        pool = training_set.synthetic_samples(inputs[fit], labels[fit], count, seed)
    finally:
        training_set.VARIANT_KINDS = kinds
    return pool.reshape(len(fit), count, -1)


def mixed_set(originals, labels, pools, counts):
    """Originals plus the first ``counts[kind]`` variants of each kind per digit."""
    parts, part_labels = [originals], [labels]
    for kind, n in counts.items():
        if n:
            parts.append(pools[kind][:, :n].reshape(-1, originals.shape[1]))
            part_labels.append(np.repeat(labels, n))
    return np.vstack(parts), np.concatenate(part_labels)


VARIANT_MIXES = [{"distort": d, "pen": p} for d, p in
                 [(4, 0), (0, 8), (0, 12), (4, 8), (2, 10), (2, 16), (2, 22)]]
PEN_WIDTHS = [(0.03, 0.12), (0.1, 0.3)]  # besides training_set.PEN_WIDTH


def report(name, knn, tests, draw_labels, hands, hand_labels, samples):
    answers = knn.predict(tests)
    per = [np.mean(answers[draw_labels == d] == d) for d in range(10)]
    hand_answers = knn.predict(hands)
    wrong = ", ".join(f"{t}->{a}" for t, a in zip(hand_labels, hand_answers) if t != a)
    print(f"{name}: canvas={np.mean(answers == draw_labels):.3f} hand={np.mean(hand_answers == hand_labels):.3f} "
          f"samples={samples} per digit " + " ".join(f"{p:.2f}" for p in per) + f" | hand errors: {wrong}",
          flush=True)


def variants_main(renderings=3):
    """Variant kinds, counts and pen widths (``python -m benchmarks.tune variants``)."""
    fit, drawings, draw_labels, hand, hand_labels = validation_drawings(renderings)
    fit_labels = training_set.load_base_digits()[1][fit]
    tests, hands = features_of(drawings), features_of(hand)
    originals = training_set.base_set(fit, 0).inputs
    pools = {}
    for kind in ("distort", "pen"):
        size = max(counts[kind] for counts in VARIANT_MIXES)
        started = time.perf_counter()
        pools[kind] = variant_pool(fit, kind, size)
        print(f"{kind} pool: {time.perf_counter() - started:.0f} s", flush=True)
    for counts in VARIANT_MIXES:
        train_inputs, train_labels = mixed_set(originals, fit_labels, pools, counts)
        for k in (3, 5):
            knn = KNeighborsClassifier(n_neighbors=k, weights="distance").fit(train_inputs, train_labels)
            report(f"distort={counts['distort']} pen={counts['pen']} k={k}", knn, tests, draw_labels, hands,
                   hand_labels, len(train_labels))
    default_width = training_set.PEN_WIDTH
    for width in PEN_WIDTHS if "widths" in sys.argv else []:
        training_set.PEN_WIDTH = width
        try:
            pool = variant_pool(fit, "pen", 8)
        finally:
            training_set.PEN_WIDTH = default_width
        train_inputs, train_labels = mixed_set(originals, fit_labels, {"pen": pool}, {"pen": 8})
        for k in (3, 5):
            knn = KNeighborsClassifier(n_neighbors=k, weights="distance").fit(train_inputs, train_labels)
            report(f"pen=8 width {width} k={k}", knn, tests, draw_labels, hands, hand_labels, len(train_labels))


NORMALISATIONS = {  # "keep half of each loop's inner radius when thickening" was tried too: see README
    "default": {},
    "stroke 5": {"stroke": 5.0},
}


def normalisation_main(renderings=3, n_pen=8):
    """Normalisation settings with pen variants (``python -m benchmarks.tune normalisation``)."""
    original = pp.normalised_features
    fit, drawings, draw_labels, hand, hand_labels = validation_drawings(renderings)
    fit_labels = training_set.load_base_digits()[1][fit]
    try:
        for name, settings in NORMALISATIONS.items():
            pp.normalised_features = pipeline(**settings)
            tests, hands = features_of(drawings), features_of(hand)
            originals = training_set.base_set(fit, 0).inputs
            pool = variant_pool(fit, "pen", n_pen)
            for n in (0, n_pen):
                train_inputs, train_labels = mixed_set(originals, fit_labels, {"pen": pool}, {"pen": n})
                for k in (3, 5):
                    knn = KNeighborsClassifier(n_neighbors=k, weights="distance").fit(train_inputs, train_labels)
                    report(f"{name}, pen={n} k={k}", knn, tests, draw_labels, hands, hand_labels, len(train_labels))
    finally:
        pp.normalised_features = original


SEED_CONFIGS = {  # (variant kinds in turn, variants per digit)
    "distort x4 (before)": (("distort",), 4),
    "pen x12": (("pen",), 12),
    "distort x2 + pen x10": (("distort", "pen", "pen", "pen", "pen", "pen"), 12),
}


def seeds_main(renderings=3, seeds=(1, 2)):
    """The leading configurations through ``build_training_set`` with other variant seeds
    (``python -m benchmarks.tune seeds``): how much of a difference is the draw of the variants."""
    fit, drawings, draw_labels, hand, hand_labels = validation_drawings(renderings)
    tests, hands = features_of(drawings), features_of(hand)
    kinds = training_set.VARIANT_KINDS
    try:
        for name, (training_set.VARIANT_KINDS, count) in SEED_CONFIGS.items():
            for seed in seeds:
                built = training_set.base_set(fit, count, seed)
                for k in (3, 5):
                    knn = KNeighborsClassifier(n_neighbors=k, weights="distance").fit(built.inputs, built.labels)
                    report(f"{name} seed {seed} k={k}", knn, tests, draw_labels, hands, hand_labels, len(built.labels))
    finally:
        training_set.VARIANT_KINDS = kinds


def loops_main(renderings=3):
    """Centre-lines drawn with each digit's own loops (``training_set.LOOPS``: no loop in a 3 whose arcs run
    together) or with the most loops its ink opens, in the validation drawings and in the pen variants
    of the shipped configuration (``python -m benchmarks.tune loops``)."""
    fit, own_loops = split()[0], training_set.LOOPS
    choices = {"most": {}, "own": own_loops}
    try:
        models = {}
        for variants, loops in choices.items():
            training_set.LOOPS = loops
            built = training_set.base_set(fit, training_set.VARIANTS)
            models[variants] = KNeighborsClassifier(**ClassifierFactory().params).fit(built.inputs, built.labels)
        for drawn, loops in choices.items():
            training_set.LOOPS = loops
            _, drawings, draw_labels, hand, hand_labels = validation_drawings(renderings)
            tests, hands = features_of(drawings), features_of(hand)
            for variants, knn in models.items():
                report(f"drawings: {drawn} loops, variants: {variants} loops", knn, tests, draw_labels, hands,
                       hand_labels, knn.n_samples_fit_)
    finally:
        training_set.LOOPS = own_loops


FAR_PERCENTILES = (95, 96, 97, 98, 99)
SHAPE_PERCENTILES = (70, 75, 80, 85, 90)
REAL_FLAGGED_TARGET = 0.05  # README: at most 5 % of real digits flagged "not sure"
CV_FOLDS = 5
TUNE_SEED = 77  # canvas drawings of the training digits for tuning: another stream than the reference set's


def _drawn(items, seed):
    """(features, shapes) of real (index, style) or load_digits (index, None) drawings: one worker's share."""
    from app.recognition.reference import draw_load_digit, draw_real

    drawn = [pp.drawing_from_image(draw_real(index, style, seed) if style else draw_load_digit(index, seed))
             for index, style in items]
    return [features.ravel() for features, _ in drawn], [shape for _, shape in drawn]


@lru_cache(maxsize=1)
def training_drawings(seed=TUNE_SEED):
    """The 4,000 real training digits drawn on a canvas in pen and ink, and the training part of load_digits
    drawn along its centre-lines, from their own seeded streams -> (features (n, 64), shapes, labels, the group
    each drawing belongs to in the training set, styles). The 1,000 validation digits are never drawn here."""
    from app.recognition.handwriting import load_real_digits, split_indices
    from app.recognition.reference import STYLES

    real = split_indices()[0]
    load = training_set.training_indices()
    items = [(int(i), style) for style in STYLES for i in real] + [(int(i), None) for i in load]
    shares = [share for share in np.array_split(np.arange(len(items)), 32) if len(share)]
    parts = Parallel(n_jobs=-1)(delayed(_drawn)([items[i] for i in share], seed) for share in shares)
    features = np.asarray([f for part in parts for f in part[0]], dtype=np.uint8)
    shapes = [shape for part in parts for shape in part[1]]
    labels = np.concatenate([np.tile(load_real_digits()[1][real], len(STYLES)), training_set.load_base_digits()[1][load]])
    groups = np.concatenate([np.tile(training_set.HANDWRITING_GROUPS + real, len(STYLES)), load])
    styles = np.array([style or "load_digits" for _, style in items])
    return features, shapes, labels, groups, styles


def folds_of(built, n_folds=CV_FOLDS):
    """Grouped folds over a training set (a digit and its variants together) -> [(fit rows, held-out groups)]."""
    return [(fit_rows, np.unique(built.groups[test_rows]))
            for fit_rows, test_rows in GroupKFold(n_splits=n_folds).split(built.inputs, groups=built.groups)]


def far_main(per_kind=40):
    """The "not sure" percentiles by cross-validation on the training digits (``python -m benchmarks.tune far``).

    Grouped 5-fold CV over the shipped recipe's training set: each fold's model (fitted without the fold's digits
    and their variants) scores the fold's real training digits as they are (the distances the threshold is a
    percentile of, as ``ClassifierFactory.build`` computes it) and the same digits drawn on a canvas in pen and
    ink (what is flagged). Non-digits (pairs made of training digits) go to the model fitted on everything. For
    each far percentile and crossing-shape percentile: real drawings flagged, non-digits flagged; the choice is
    the pair that flags the most non-digits with at most 5 % of real drawings flagged. The 1,000 validation
    digits are not used."""
    from app.recognition.handwriting import split_indices

    features, shapes, labels, groups, styles = training_drawings()
    real = styles != "load_digits"
    features, shapes, groups = features[real], [s for s, r in zip(shapes, real) if r], groups[real]
    factory = ClassifierFactory()
    built = factory.training_set()
    people, originals = built.drawn_by_people(), built.sources == SOURCES.index("handwriting")
    held_scores = np.full(len(built.labels), np.nan)
    answers, far = [None] * len(features), np.zeros((len(features), factory.params["n_neighbors"]))
    for fit_rows, held in folds_of(built):
        model = factory.fit(built.inputs[fit_rows], built.labels[fit_rows], built.sources[fit_rows], people=people[fit_rows])
        rows = np.flatnonzero(originals & np.isin(built.groups, held))
        held_scores[rows] = outlier_score(model.far_distances(built.inputs[rows]))
        mine = np.flatnonzero(np.isin(groups, held))
        for i, prediction in zip(mine, model.predict(features[mine])):
            answers[i] = prediction
        far[mine] = model.far_distances(features[mine])
    scores = held_scores[originals]
    model = factory.fit(built.inputs, built.labels, built.sources, people=people)
    others, kinds = render_nondigits(per_kind=per_kind, seed=99, pair_pool=split_indices()[0])
    others = [pp.drawing_from_image(image) for image in others]
    other_features = np.asarray([f.ravel() for f, _ in others])
    other_outcome = (model.predict(other_features), model.far_distances(other_features), [s for _, s in others])
    kinds = np.asarray(kinds)

    def flagged(outcome, threshold, shape_threshold):
        return np.array([judge(a.probabilities, d, threshold, shape, shape_threshold) is not None
                         for a, d, shape in zip(*outcome)])

    print(f"{len(features):,} canvas drawings of the real training digits, each read by a fold model without it; "
          f"{len(kinds)} non-digits", flush=True)
    results = {}
    for percentile, shape_percentile in itertools.product(FAR_PERCENTILES, SHAPE_PERCENTILES):
        threshold, shape_threshold = far_threshold(scores, percentile), far_threshold(scores, shape_percentile)
        digits = flagged((answers, far, shapes), threshold, shape_threshold)
        nondigits = flagged(other_outcome, threshold, shape_threshold)
        results[percentile, shape_percentile] = (digits.mean(), nondigits.mean())
        per_kind_share = " ".join(f"{kind} {nondigits[kinds == kind].mean():.0%}" for kind in KINDS)
        print(f"far percentile {percentile}, shape percentile {shape_percentile}: real drawings flagged "
              f"{digits.mean():.1%}, non-digits {nondigits.mean():.1%} ({per_kind_share}; all but circles "
              f"{nondigits[kinds != 'circle'].mean():.1%})", flush=True)
    within = {key: value for key, value in results.items() if value[0] <= REAL_FLAGGED_TARGET}
    chosen = max(within, key=lambda key: (within[key][1], -within[key][0])) if within else None
    print(f"chosen (most non-digits flagged with at most {REAL_FLAGGED_TARGET:.0%} of real drawings): "
          + (f"FAR_PERCENTILE {chosen[0]}, SHAPE_PERCENTILE {chosen[1]}" if chosen else "none meets the target"))
    return chosen


def handwriting_main(ks=(3, 5, 7)):
    """The real-handwriting recipes side by side by grouped 5-fold CV on the training digits (``python -m
    benchmarks.tune handwriting``): 0, 2 or 4 variants of each real digit, with or without load_digits and its
    variants, k = 3, 5, 7. Each fold's model is fitted without the fold's digits (real and load_digits) and
    their variants and reads the fold's digits drawn on a canvas (real: pen and ink; load_digits: along their
    centre-lines). The 1,000 validation digits are not used."""
    from app.recognition.handwriting import split_indices

    features, _, labels, groups, styles = training_drawings()
    started = time.perf_counter()
    real = {n: training_set.handwriting_set(split_indices()[0], n) for n in (0, 2, 4)}
    load_digits = training_set.base_set(training_set.training_indices(), training_set.VARIANTS)
    print(f"(training sets built in {time.perf_counter() - started:.0f} s)")
    recipes = {f"real + {n} variants": real[n] for n in real}
    recipes.update({f"real + {n} variants + load_digits": training_set.combine(real[n], load_digits) for n in (2, 4)})
    recipes["load_digits only (the previous recipe)"] = load_digits
    everything = training_set.combine(real[0], training_set.base_set(training_set.training_indices(), 0))
    folds = [held for _, held in folds_of(everything)]  # the same folds of digits for every recipe
    print(f"{'recipe':42s} {'k':>2s} {'samples':>8s} {'pen':>7s} {'ink':>7s} {'both':>7s} {'load_digits':>12s}")
    best = None
    for (name, built), k in itertools.product(recipes.items(), ks):
        right = np.zeros(len(labels), dtype=bool)
        for held in folds:
            fit_rows = ~np.isin(built.groups, held)
            knn = KNeighborsClassifier(n_neighbors=k, weights="distance").fit(
                built.inputs[fit_rows].astype(np.float32), built.labels[fit_rows])
            mine = np.isin(groups, held)
            right[mine] = knn.predict(features[mine].astype(np.float32)) == labels[mine]
        both = right[styles != "load_digits"].mean()
        print(f"{name:42s} {k:2d} {len(built.labels):8d} {right[styles == 'pen'].mean():7.1%} "
              f"{right[styles == 'ink'].mean():7.1%} {both:7.1%} {right[styles == 'load_digits'].mean():12.1%}",
              flush=True)
        best = max(best or (both, name, k), (both, name, k))
    print(f"best on the real drawings: {best[1]}, k={best[2]} ({best[0]:.1%})")
    return best


def main():
    if sys.argv[1:] == ["cv"]:  # both cross-validated choices in one process: the drawings are made once
        return handwriting_main(), far_main()
    if sys.argv[1:] == ["handwriting"]:
        return handwriting_main()
    if sys.argv[1:] == ["loops"]:
        return loops_main()
    if sys.argv[1:] == ["far"]:
        return far_main()
    if sys.argv[1:] == ["seeds"]:
        return seeds_main()
    if sys.argv[1:] == ["variants"]:
        return variants_main()
    if sys.argv[1:] == ["normalisation"]:
        return normalisation_main()
    original = pp.normalised_features
    fit, drawings, draw_labels, hand, hand_labels = validation_drawings(renderings=2, hand_renderings=2)
    for name, settings in CONFIGS.items():
        evaluate(name, settings, fit, drawings, draw_labels, hand, hand_labels, 5, [(5, 3, "distance")])
    pp.normalised_features = original
    grid = list(itertools.product([0, 5, 10, 20], [1, 3, 5, 7], ["uniform", "distance"]))
    evaluate("chosen settings", {}, fit, drawings, draw_labels, hand, hand_labels, 20, grid)
    inputs_, labels_, groups_ = take_variants(training_set.build_training_set(n_variants=10, indices=fit), len(fit), 10, 10)
    for k, weights in itertools.product([1, 3, 5, 7], ["uniform", "distance"]):
        cv = cross_val_score(KNeighborsClassifier(n_neighbors=k, weights=weights), inputs_, labels_,
                             groups=groups_, cv=GroupKFold(5)).mean()
        print(f"grouped CV, 10 variants, k={k} {weights}: {cv:.4f}", flush=True)


if __name__ == "__main__":
    main()
