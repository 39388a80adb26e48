"""Accuracy benchmark: ``python -m benchmarks.accuracy`` (``make bench-accuracy``).

Measures the way users meet the product, for three recognisers side by side:
- **new**: the shipped model (the active stored version), served by the app's own code;
- **previous**: the recipe before real handwriting (load_digits and its synthetic variants only), rebuilt here;
- **seed**: the seed design's pipeline (crop, pad, resize, rescale; k=3 on load_digits).

Sets (none of them trained on by the shipped model):
- the 1,000 real validation digits (``app.recognition.reference``), drawn on a canvas along their traced
  centre-lines with a round pen, and drawn as their own grey image (a soft brush);
- the held-out load_digits, drawn 3 times each along their centre-lines (other writers, another style);
- the digits Playwright drew with the mouse on the page in Chromium (``make bench-page`` records the PNGs the
  page posted in test-artifacts/page-drawn.json; skipped with a note when missing);
- a small hand-drawn sanity set, also with a stray dot beside each digit.

For each: accuracy overall and per digit, the share flagged "not sure" and the accuracy among the unflagged
answers; then the non-digits flagged, single-image latency, the model's training time and size.
``--sheet PATH`` saves a contact sheet of the misread real validation drawings.
"""
import argparse
import statistics
import time

import numpy as np
from sklearn.neighbors import KNeighborsClassifier

from app.recognition import preprocessing as pp
from app.recognition import reference
from app.recognition.drawings import add_speck, render_set
from app.recognition.classifier_factory import ClassifierFactory
from app.recognition.training_set import build_training_set, heldout_indices, ink_features, load_base_digits, upsampled_ink
from app.recognition.handwriting import load_real_digits, split_indices
from benchmarks.handdrawn import render_handdrawn
from benchmarks.harness import serving_app
from benchmarks.nondigits import render_nondigits
from benchmarks.original_pipeline import seed_features
from benchmarks.sheet import contact_sheet
from tests.drawing import png_bytes

RENDERINGS = 3
SEED = 2024
LATENCY_CALLS = 300
NONDIGITS_PER_KIND = 40


class SeedPipeline:
    """The seed design: k=3 kNN on all of load_digits over seed-pipeline features; it never doubts."""

    def __init__(self):
        inputs, labels = load_base_digits()
        self.knn = KNeighborsClassifier(n_neighbors=3).fit(inputs, labels)

    def answers(self, images):
        digits = self.knn.predict(np.asarray([seed_features(image).ravel() for image in images]))
        return digits, np.zeros(len(images), dtype=bool)


class Recogniser:
    """A model over the app's own features: each drawing goes through PNG encoding, decoding and preprocessing."""

    def __init__(self, model):
        self.model = model

    def answers(self, images, drawings=None):
        features, shapes = drawings or read_drawings(images)
        predictions = self.model.predict(features, shapes)
        return np.array([p.digit for p in predictions]), np.array([p.uncertain for p in predictions])


def read_drawings(images):
    """(the app's features, ``Shape`` of each drawing), read from the PNG the page would send."""
    read = [pp.drawing_from_bytes(png_bytes(image)) for image in images]
    return np.asarray([features.ravel() for features, _ in read], dtype=np.float32), [shape for _, shape in read]


def previous_model():
    """The model as it was before real handwriting: load_digits less its held-out digits, and their variants."""
    factory = ClassifierFactory(handwriting_variants=0)
    return factory.build(build_training_set(n_variants=factory.n_variants, handwriting=[]))[0]


def per_digit(truth, answers):
    return [float((answers[truth == d] == d).mean()) for d in range(10)]


def print_set(title, truth, results):
    """Accuracy overall and per digit of each recogniser, then its flagged share and unflagged accuracy."""
    names = list(results)
    print(f"\n{title}: {len(truth)} drawings")
    print(f"  {'':22s}" + "".join(f"{name:>10s}" for name in names))
    print(f"  {'right':22s}" + "".join(f"{np.mean(a == truth):10.1%}" for a, _ in results.values()))
    for d in range(10):
        print(f"  {'  digit ' + str(d):22s}" + "".join(f"{per_digit(truth, a)[d]:10.1%}" for a, _ in results.values()))
    print(f"  {'flagged not sure':22s}" + "".join(f"{f.mean():10.1%}" for _, f in results.values()))
    print(f"  {'right among unflagged':22s}"
          + "".join(f"{np.mean(a[~f] == truth[~f]) if (~f).any() else float('nan'):10.1%}"
                    for a, f in results.values()))
    print(f"  {'right among flagged':22s}"
          + "".join(f"{np.mean(a[f] == truth[f]) if f.any() else float('nan'):10.1%}" for a, f in results.values()))


def evaluate(title, images, truth, recognisers):
    """Print one set for every recogniser -> the first recogniser's answers."""
    drawings = read_drawings(images)
    results = {name: (r.answers(images) if isinstance(r, SeedPipeline) else r.answers(images, drawings))
               for name, r in recognisers.items()}
    print_set(title, np.asarray(truth), results)
    return next(iter(results.values()))[0]


def print_confusion(truth, answers):
    print("\nConfusion matrix of the new model, real validation drawings (rows: true digit, columns: answer)")
    matrix = np.zeros((10, 10), dtype=int)
    np.add.at(matrix, (truth, answers), 1)
    print("     " + "".join(f"{d:5d}" for d in range(10)))
    for d, row in enumerate(matrix):
        print(f"  {d}  " + "".join(f"{n:5d}" for n in row))


def latency(model, images):
    """p50 / p99 milliseconds of one PNG through decoding, preprocessing and the kNN."""
    times = []
    for raw in [png_bytes(image) for image in images]:
        started = time.perf_counter()
        model.predict_one(*pp.drawing_from_bytes(raw))
        times.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(times, n=100)
    return cuts[49], cuts[98]


def save_misreads(path, images, sources, truth, answers):
    """A contact sheet of the drawings answered wrong, each beside its 8x8 source."""
    wrong = np.flatnonzero(answers != truth)
    contact_sheet([images[i] for i in wrong], sources[wrong], truth[wrong], answers[wrong]).save(path)
    print(f"\nThe {len(wrong)} misread drawings, beside their sources: {path}")


def real_sources(count):
    """The 8x8 features of the real validation digits themselves (for the contact sheet), style by style."""
    images = load_real_digits()[0][split_indices()[1]]
    return np.asarray([ink_features(upsampled_ink(image)) for image in images] * count)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheet", metavar="PATH", help="save a PNG contact sheet of the misread real drawings")
    parser.add_argument("--page", metavar="PATH", default="test-artifacts/page-drawn.json",
                        help="the page-drawn digits recorded by `make bench-page`")
    args = parser.parse_args(argv)

    app, loaded = serving_app()
    model, metadata = loaded.model, loaded.metadata
    started = time.perf_counter()
    recognisers = {"new": Recogniser(model), "previous": Recogniser(previous_model()), "seed": SeedPipeline()}
    print(f"(the previous recipe rebuilt in {time.perf_counter() - started:.0f} s)")

    real_images, real_truth = [], []
    for style in reference.STYLES:
        images, truth = reference.real_drawings(style)
        real_images += images
        real_truth += list(truth)
        evaluate(f"Real validation digits drawn on a canvas, {style} style", images, truth, recognisers)
    real_truth = np.asarray(real_truth)
    answers = evaluate("Real validation digits, both styles", real_images, real_truth, recognisers)
    print_confusion(real_truth, answers)
    if args.sheet:
        save_misreads(args.sheet, real_images, real_sources(len(reference.STYLES)), real_truth, answers)

    inputs, labels = load_base_digits()
    held = heldout_indices(labels)
    images, truth = render_set(inputs[held], labels[held], renderings=RENDERINGS, seed=SEED)
    evaluate(f"Held-out load_digits drawn on a canvas ({len(held)} digits x {RENDERINGS})", images, truth,
             recognisers)

    from benchmarks.page_drawn import page_drawn_set  # the page benchmark's reader of what it recorded

    page = page_drawn_set(args.page)
    if page is None:
        print(f"\nPage-drawn digits: {args.page} is missing; `make bench-page` draws them in Chromium.")
    else:
        page_images, page_truth, shown, _ = page
        evaluate(f"Real digits drawn with the mouse on the page in Chromium ({args.page})", page_images,
                 page_truth, recognisers)
        print(f"  the page showed the right digit for {np.mean(np.asarray(shown) == page_truth):.1%} "
              "(with the model it was served with)")

    hand, hand_truth = render_handdrawn(renderings=4, seed=SEED)
    evaluate("Hand-drawn sanity set (benchmarks/handdrawn.py)", hand, hand_truth, recognisers)
    rng = np.random.default_rng(SEED)
    evaluate("The same, each with a stray dot of 1-4 px radius beside the digit", [add_speck(i, rng) for i in hand],
             hand_truth, recognisers)

    others, kinds = render_nondigits(per_kind=NONDIGITS_PER_KIND, seed=SEED)
    drawings = read_drawings(others)
    print(f"\nNon-digits flagged not sure ({len(others)}: {', '.join(dict.fromkeys(kinds))}):")
    for name in ("new", "previous"):
        flagged = recognisers[name].answers(others, drawings)[1]
        by_kind = {kind: np.mean([f for f, k in zip(flagged, kinds) if k == kind]) for kind in dict.fromkeys(kinds)}
        print(f"  {name:9s} {flagged.mean():6.1%}   " + "  ".join(f"{k} {v:.0%}" for k, v in by_kind.items()))

    p50, p99 = latency(model, real_images[:LATENCY_CALLS])
    print(f"\nLatency, one PNG -> features -> kNN ({LATENCY_CALLS} calls): p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    print(f"New model: {metadata['training_samples']} samples {metadata['samples']}, params {metadata['params']}, "
          f"grouped CV {metadata['cv_accuracy']:.4f}, far threshold {metadata.get('far_threshold')}")
    served = app.extensions["classifier_repo"]
    path = served.path(served.current().version)  # the throwaway copy of the stored model file
    print(f"kNN fit + grouped CV: {metadata.get('training_seconds', 'not recorded')} s (after the training set); "
          f"model file {path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
