"""Canvas accuracy benchmark: ``python -m benchmarks.accuracy`` (``make bench-accuracy``).

Renders the held-out load_digits (never trained on by the shipped model) as browser-canvas PNGs,
sends each through POST /api/predict of an app serving the stored model (Flask test client: the
real code path), and prints accuracy overall and per digit beside the seed pipeline, the confusion
matrix, a hand-drawn sanity set (also with a stray dot beside each digit), single-image latency and the
stored model's training time and size.
``--sheet PATH`` also saves a contact sheet of the misread held-out drawings beside their 8x8 sources.
"""
import argparse
import statistics
import time

import numpy as np
from sklearn.neighbors import KNeighborsClassifier

from app.recognition import preprocessing as pp
from app.recognition.training import LOOPS, heldout_indices, holes, load_base_digits
from benchmarks.canvas import add_speck, render_set
from benchmarks.harness import serving_app
from benchmarks.handdrawn import render_handdrawn
from benchmarks.sheet import contact_sheet
from tests.drawing import data_uri, png_bytes

RENDERINGS = 3
SEED = 2024
LATENCY_CALLS = 300
SEED_PAD = 30  # pixels of margin the seed design added around the cropped ink
LOOPED = {digit: loops for digit, loops in LOOPS.items() if loops}  # 0, 6, 9: one loop; 8: two


def seed_features(rgba):
    """The seed pipeline: crop to ink, pad 30 px, square, resize to 8x8 (LANCZOS), rescale 0..16."""
    ink = pp.crop_to_ink(pp.ink_map(pp.to_grayscale(pp.remove_transparency(rgba))))
    return pp.rescale(pp.resize(pp.pad_to_square(np.pad(ink, SEED_PAD), ratio=0.0)))


def seed_predictions(images):
    """Digits from the seed design: k=3 kNN on all of load_digits over seed-pipeline features."""
    inputs, labels = load_base_digits()
    knn = KNeighborsClassifier(n_neighbors=3).fit(inputs, labels)
    return knn.predict(np.asarray([seed_features(image).ravel() for image in images]))


def api_predictions(client, images):
    """POST every image as a PNG data URI to /api/predict; the answered digits (-1 on an error)."""
    digits = []
    for image in images:
        reply = client.post("/api/predict", json={"image": data_uri(image)})
        digits.append(reply.get_json()["digit"] if reply.status_code == 200 else -1)
    return np.asarray(digits)


def per_digit(truth, predicted):
    return [float((predicted[truth == d] == d).mean()) for d in range(10)]


def confusion(truth, predicted):
    """Rows: true digit; columns: answered digit (an error answer is not counted)."""
    matrix = np.zeros((10, 10), dtype=int)
    for t, p in zip(truth, predicted):
        if p >= 0:
            matrix[t, p] += 1
    return matrix


def lost_loops(images, truth):
    """Which drawings show fewer loops than their digit has (a centre-line taken from an 8x8 digit can
    close them): how much of the error is the rendering rather than the recognition."""
    lost = np.zeros(len(truth), dtype=bool)
    for i, (image, digit) in enumerate(zip(images, truth)):
        if digit in LOOPED:
            ink = np.asarray(image.getchannel("A")) > 127
            lost[i] = holes(ink, min_area=max(8, int(ink.sum()) // 200)) < LOOPED[digit]
    return lost


def print_lost_loops(lost, truth, ours):
    right = ours == truth
    print(f"\nDrawings that show fewer loops than their digit has (0, 6, 9: one; 8: two): {lost.sum()} of {len(truth)}, "
          f"{', '.join(f'{d}: {int(lost[truth == d].sum())}' for d in LOOPED)}")
    print(f"  ours on them {right[lost].mean():.1%}, on the other drawings {right[~lost].mean():.1%} "
          f"({int((~right[~lost]).sum())} wrong of {int((~lost).sum())})")


def print_accuracy(title, truth, ours, seed):
    print(f"\n{title}: {len(truth)} drawings")
    print(f"  {'':8s} {'ours':>7s} {'seed':>7s}")
    print(f"  {'overall':8s} {np.mean(ours == truth):7.1%} {np.mean(seed == truth):7.1%}")
    for d, (a, b) in enumerate(zip(per_digit(truth, ours), per_digit(truth, seed))):
        print(f"  {'digit ' + str(d):8s} {a:7.1%} {b:7.1%}")


def print_confusion(matrix):
    print("\nConfusion matrix, held-out canvas set (rows: true digit, columns: answer)")
    print("     " + "".join(f"{d:5d}" for d in range(10)))
    for d, row in enumerate(matrix):
        print(f"  {d}  " + "".join(f"{n:5d}" for n in row))


def latency(model, images):
    """p50 / p99 milliseconds of one PNG through decoding, preprocessing and the kNN."""
    times = []
    for raw in [png_bytes(image) for image in images]:
        started = time.perf_counter()
        model.predict_one(pp.features_from_bytes(raw))
        times.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(times, n=100)
    return cuts[49], cuts[98]


def save_misreads(path, images, sources, truth, answers):
    wrong = np.flatnonzero(answers != truth)
    contact_sheet([images[i] for i in wrong], sources[wrong], truth[wrong], answers[wrong]).save(path)
    print(f"\nThe {len(wrong)} misread held-out drawings, beside their 8x8 sources: {path}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheet", metavar="PATH", help="save a PNG contact sheet of the misread held-out drawings")
    args = parser.parse_args(argv)
    inputs, labels = load_base_digits()
    held = heldout_indices(labels)
    images, truth = render_set(inputs[held], labels[held], renderings=RENDERINGS, seed=SEED)
    hand, hand_truth = render_handdrawn(renderings=4, seed=SEED)

    app, loaded = serving_app()
    model, metadata = loaded.model, loaded.metadata
    client = app.test_client()

    ours = api_predictions(client, images)
    print_accuracy(f"Held-out canvas set ({len(held)} held-out digits x {RENDERINGS})", truth, ours,
                   seed_predictions(images))
    print_confusion(confusion(truth, ours))
    print_lost_loops(lost_loops(images, truth), truth, ours)
    if args.sheet:
        save_misreads(args.sheet, images, np.repeat(inputs[held], RENDERINGS, axis=0), truth, ours)
    print_accuracy("Hand-drawn sanity set (benchmarks/handdrawn.py)", hand_truth,
                   api_predictions(client, hand), seed_predictions(hand))
    rng = np.random.default_rng(SEED)
    specked = [add_speck(image, rng) for image in hand]
    print_accuracy("The same, each with a stray dot of 1-4 px radius beside the digit", hand_truth,
                   api_predictions(client, specked), seed_predictions(specked))

    p50, p99 = latency(model, images[:LATENCY_CALLS])
    print(f"\nLatency, one PNG -> features -> kNN ({LATENCY_CALLS} calls): p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    print(f"Model: {metadata['training_samples']} samples {metadata['samples']}, params {metadata['params']}, "
          f"grouped CV {metadata['cv_accuracy']:.4f}")
    served = app.extensions["classifier_repo"]
    path = served.path(served.current().version)  # the throwaway copy of the stored model file
    print(f"kNN fit + grouped CV: {metadata.get('training_seconds', 'not recorded')} s (features are built before); "
          f"model file {path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
