"""Growth benchmark: the neighbour search as the training set grows (``python -m benchmarks.growth``; also
printed by ``make bench-load``).

The real handwritten digits (``app.recognition.handwriting``: 4,000 training, 1,000 validation) are drawn as
canvas images (``app.recognition.drawings.render_ink``: the grey image itself as dark ink on a transparent RGBA
canvas of 200-400 px) and put through ``features_from_image``. The training features are grown to each size with noise:
every added sample is a random real training digit's 8x8 grid with each cell moved by +-1 (probability 0.2
each way) or +-2 (0.05 each way), clipped to 0..16. Per size and per search (the exact one, the faiss
inverted-file index), on one thread as a serving worker runs: the build time, ``predict_one``'s latency over
the validation drawings (search, votes and neighbour records: what a request pays; p50 and p99 of the
thread's CPU time, which other people's work on a shared machine hardly moves, and the wall-clock p50),
the memory of the search, and how often it answers the same digit as the exact search. ``*`` marks the search the model uses at that
size (APPROXIMATE_SEARCH_ABOVE in settings.py).
"""
import argparse
import pickle
import time

import numpy as np
from sklearn.neighbors import KNeighborsClassifier
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


def grown(inputs, labels, size, seed=0):
    """The training set grown to ``size`` samples: the real ones, then noisy copies of random real ones."""
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(inputs), size - len(inputs))
    noise = rng.choice(STEPS, size=(len(picks), inputs.shape[1]), p=STEP_ODDS)
    extra = np.clip(inputs[picks].astype(np.int16) + noise, 0, 16).astype(np.uint8)
    return np.vstack([inputs, extra]), np.concatenate([labels, labels[picks]])


def latencies(model, queries):
    """(CPU ms, wall ms) of predict_one for each query, one thread."""
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
    knn = KNeighborsClassifier(n_neighbors=5, weights="distance").fit(inputs.astype(np.float32), labels)
    model = DigitClassifier(knn, inputs, labels, np.zeros(len(inputs)))
    chosen = type(model._search)
    arrays = (model.inputs.nbytes + model.labels.nbytes + model.sources.nbytes) / MB
    estimator = len(pickle.dumps(knn, protocol=pickle.HIGHEST_PROTOCOL)) / MB
    rows, exact_digits = [], None
    for kind in (ExactIndex, ApproximateIndex):
        started = time.perf_counter()
        model._search = kind(model.inputs, model.n_neighbors)  # each search in turn, in the same model
        build = time.perf_counter() - started
        answers = digits(model, queries)
        exact_digits = answers if kind is ExactIndex else exact_digits
        cpu, wall = latencies(model, queries[:TIMED_QUERIES])
        rows.append({"samples": len(inputs), "search": kind.__name__, "chosen": kind is chosen, "build": build,
                     "p50": np.percentile(cpu, 50), "p99": np.percentile(cpu, 99), "wall": np.percentile(wall, 50), "memory": model._search.nbytes / MB,
                     "agreement": np.mean(answers == exact_digits), "accuracy": np.mean(answers == truth),
                     "arrays": arrays, "estimator": estimator})
    return rows


def print_rows(rows):
    for row in rows:
        mark = "*" if row["chosen"] else " "
        print(f"  {row['samples']:>9,d} {mark}{row['search']:16s} {row['build']:8.1f} {row['p50']:7.2f} {row['p99']:7.2f} {row['wall']:7.2f} "
              f"{row['memory']:9.0f} {row['agreement']:8.1%} {row['accuracy']:9.1%} {row['arrays']:8.0f} "
              f"{row['estimator']:9.0f}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="training-set sizes, comma-separated")
    args = parser.parse_args(argv)
    train, validation = handwriting.split_indices()
    inputs, labels = real_features(train, seed=0)
    queries, truth = real_features(validation, seed=1)
    queries = queries.astype(np.float32)
    print(f"\nGrowth: the search as the training set grows. {len(inputs):,d} real training digits grown with noise; "
          f"{len(queries):,d} real validation drawings (predict_one over {TIMED_QUERIES}, one thread: p50/p99 of its CPU time, p50 of wall time); "
          f"* = the model's search at that size (APPROXIMATE_SEARCH_ABOVE = {Settings.APPROXIMATE_SEARCH_ABOVE:,d})")
    print(f"  {'samples':>9s}  {'search':16s} {'build s':>8s} {'p50 ms':>7s} {'p99 ms':>7s} {'wall p50':>7s} {'search MB':>9s} "
          f"{'as exact':>8s} {'accuracy':>9s} {'model MB':>8s} {'estimator':>9s}")
    chosen = []
    for size in map(int, args.sizes.split(",")):
        rows = measure_size(*grown(inputs, labels, size), queries, truth)
        print_rows(rows)
        chosen += [row for row in rows if row["chosen"]]
    print("  (search MB: what the search keeps beside the model's uint8 samples, labels and sources (model MB); "
          "estimator: the pickled scikit-learn estimator every model file and serving process holds)")
    largest = max(chosen, key=lambda row: row["samples"])
    print(f"\n  at {largest['samples']:,d} samples: p99 {largest['p99']:.2f} ms (target <= {TARGET_P99_MS:.0f} ms), "
          f"same digit as the exact search on {largest['agreement']:.1%} of the validation drawings "
          f"(target >= {TARGET_AGREEMENT:.0%})")


if __name__ == "__main__":
    main()
