"""Growth benchmark: the neighbour search as the training set grows (``python -m benchmarks.growth``; also
printed by ``make bench-load``).

The real handwritten validation digits (``app.recognition.handwriting``: 1,000) are drawn as canvas images
(``app.recognition.drawings.render_ink``: the grey image itself as dark ink on a transparent RGBA canvas of 200-400 px)
and put through ``features_from_image``: the queries. The training samples start from the active stored model's
(real handwriting, load_digits, their synthetic variants: ~38,700 distinct samples; the 4,000 real training digits
drawn the same way when no model is stored; a random subset when a size is smaller) and are grown to each size with
noise: every added sample is a random
base sample's 8x8 grid with each cell moved by +-1 (probability 0.2 each way) or +-2 (0.05 each way), clipped to
0..16. Per size and per search (the exact one, the faiss inverted-file index), on one thread as a serving worker
runs: the build time, ``predict_one``'s latency over the validation drawings (search, votes and neighbour records:
what a request pays) as wall-clock p50 and p99 (what a user waits, other people's work on the machine included) and
the CPU p50 of the thread, the memory of the search, the model file's size, and how often it answers the same digit
as the exact search. ``*`` marks the search the model uses at that size (APPROXIMATE_SEARCH_ABOVE in settings.py).
"""
import argparse
import pickle
import time

import numpy as np
from threadpoolctl import threadpool_limits

from app.exceptions import EmptyImageError
from app.recognition import handwriting
from app.recognition.drawings import render_ink
from app.recognition.model import DigitClassifier
from app.recognition.preprocessing import features_from_image
from app.recognition.search import ApproximateIndex, ExactIndex
from settings import Settings

SIZES = (20_000, 200_000, 2_000_000)
STEPS = np.array([-2, -1, 0, 1, 2])
STEP_ODDS = np.array([0.05, 0.2, 0.5, 0.2, 0.05])
TIMED_QUERIES = 300  # validation drawings timed one by one per search (all of them are compared)
TARGET_P99_MS, TARGET_AGREEMENT = 5.0, 0.99
MB = 1024 * 1024


def real_features(indices, seed):
    """(features (n, 64) uint8, labels) of the real digits at ``indices`` drawn as canvases; blank ones skipped."""
    images, labels = handwriting.load_real_digits()
    rng = np.random.default_rng(seed)
    features, kept = [], []
    for index in indices:
        try:
            features.append(features_from_image(render_ink(images[index], rng)).reshape(64))
            kept.append(index)
        except EmptyImageError:
            continue
    return np.asarray(features, dtype=np.uint8), labels[kept]


def base_samples():
    """(inputs, labels, what they are) the training set grows from: the active stored model's samples, else the
    real training digits drawn as canvases."""
    try:
        from app import create_app

        model = create_app().extensions["classifier_repo"].current().model
        return model.inputs, model.labels, "the active model's samples"
    except Exception:  # no stored model, or one of other features: the real digits themselves
        train, _ = handwriting.split_indices()
        return *real_features(train, seed=0), "real training digits"


def grown(inputs, labels, size, seed=0):
    """The training set grown to ``size`` samples: the base ones, then noisy copies of random base ones (a random
    ``size`` of them when there are more)."""
    rng = np.random.default_rng(seed)
    if size <= len(inputs):
        chosen = np.sort(rng.choice(len(inputs), size, replace=False))
        return inputs[chosen], labels[chosen]
    picks = rng.integers(0, len(inputs), size - len(inputs))
    noise = rng.choice(STEPS, size=(len(picks), inputs.shape[1]), p=STEP_ODDS)
    extra = np.clip(inputs[picks].astype(np.int16) + noise, 0, 16).astype(np.uint8)
    return np.vstack([inputs, extra]), np.concatenate([labels, labels[picks]])


def latencies(model, queries):
    """(CPU ms, wall-clock ms) of predict_one for each query, one thread."""
    cpu, wall = [], []
    with threadpool_limits(limits=1):
        for query in queries:
            started, started_cpu = time.perf_counter(), time.thread_time()
            model.predict_one(query.reshape(8, 8))
            cpu.append((time.thread_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
    return np.asarray(cpu), np.asarray(wall)


def digits(model, queries, chunk=20):
    """The digits the model answers for every query (matrix products in chunks, so 2 M samples fit in memory)."""
    return np.concatenate([[p.digit for p in model.predict(queries[i:i + chunk])] for i in range(0, len(queries), chunk)])


def measure_size(inputs, labels, queries, truth):
    """Rows of the growth table for one training-set size."""
    model = DigitClassifier(inputs, labels, np.zeros(len(inputs)))
    chosen = type(model._search)
    file_mb = len(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)) / MB  # what a model file holds
    rows, exact_digits = [], None
    for kind in (ExactIndex, ApproximateIndex):
        started = time.perf_counter()
        model._search = kind(model.inputs, model.n_neighbors)  # each search in turn, in the same model
        build = time.perf_counter() - started
        answers = digits(model, queries)
        exact_digits = answers if kind is ExactIndex else exact_digits
        cpu, wall = latencies(model, queries[:TIMED_QUERIES])
        rows.append({"samples": len(inputs), "search": kind.__name__, "chosen": kind is chosen, "build": build,
                     "p50": np.percentile(wall, 50), "p99": np.percentile(wall, 99), "cpu": np.percentile(cpu, 50),
                     "memory": model._search.nbytes / MB, "agreement": np.mean(answers == exact_digits),
                     "accuracy": np.mean(answers == truth), "file": file_mb})
    return rows


def print_rows(rows):
    for row in rows:
        mark = "*" if row["chosen"] else " "
        print(f"  {row['samples']:>9,d} {mark}{row['search']:16s} {row['build']:8.1f} {row['p50']:7.2f} {row['p99']:7.2f} "
              f"{row['cpu']:7.2f} {row['memory']:9.0f} {row['agreement']:8.1%} {row['accuracy']:9.1%} "
              f"{row['file']:8.0f}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="training-set sizes, comma-separated")
    args = parser.parse_args(argv)
    inputs, labels, base = base_samples()
    queries, truth = real_features(handwriting.split_indices()[1], seed=1)
    queries = queries.astype(np.float32)
    print(f"\nGrowth: the search as the training set grows. {len(inputs):,d} base samples ({base}) grown with noise; "
          f"{len(queries):,d} real validation drawings (predict_one over {TIMED_QUERIES}, one thread: wall-clock p50/p99, "
          f"CPU p50); * = the model's search at that size "
          f"(APPROXIMATE_SEARCH_ABOVE = {Settings.APPROXIMATE_SEARCH_ABOVE:,d})")
    print(f"  {'samples':>9s}  {'search':16s} {'build s':>8s} {'p50 ms':>7s} {'p99 ms':>7s} {'CPU p50':>7s} "
          f"{'search MB':>9s} {'as exact':>8s} {'accuracy':>9s} {'file MB':>8s}")
    chosen = []
    for size in map(int, args.sizes.split(",")):
        rows = measure_size(*grown(inputs, labels, size), queries, truth)
        print_rows(rows)
        chosen += [row for row in rows if row["chosen"]]
    print("  (search MB: what the search keeps beside the model's uint8 samples, labels and sources; file MB: the "
          "pickled model a model file holds, no scikit-learn estimator in it)")
    largest = max(chosen, key=lambda row: row["samples"])
    print(f"\n  at {largest['samples']:,d} samples: wall-clock p99 {largest['p99']:.2f} ms (target <= {TARGET_P99_MS:.0f} ms), "
          f"same digit as the exact search on {largest['agreement']:.1%} of the validation drawings "
          f"(target >= {TARGET_AGREEMENT:.0%})")


if __name__ == "__main__":
    main()
