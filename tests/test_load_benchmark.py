"""The load and growth benchmarks' helpers: the bodies wrk sends, CPU accounting, the grown training sets."""
import json
import os
import subprocess
import sys

import numpy as np

from benchmarks.growth import grown
from benchmarks.load import BATCH_BODIES, BATCH_SIZE, process_tree_cpu, write_bodies


def test_the_bodies_rotate_every_drawing_one_per_line(tmp_path):
    uris = [f"data:image/png;base64,{index:04d}" for index in range(100)]
    singles, batches = write_bodies(tmp_path, uris)
    assert [json.loads(line)["image"] for line in singles.read_text().splitlines()] == uris
    bodies = [json.loads(line)["images"] for line in batches.read_text().splitlines()]
    assert len(bodies) == BATCH_BODIES and {len(images) for images in bodies} == {BATCH_SIZE}
    assert {uri for images in bodies for uri in images} == set(uris)


def test_process_tree_cpu_counts_the_children():
    # the child spins 0.6 s of CPU: the kernel's tick-sampled /proc figures (10 ms ticks) have read it 0.49 s
    busy = "import time\nend = time.process_time() + 0.6\nwhile time.process_time() < end: pass\nprint(flush=True)\ninput()"
    before = process_tree_cpu(os.getpid())
    with subprocess.Popen([sys.executable, "-c", busy], stdin=subprocess.PIPE, stdout=subprocess.PIPE) as child:
        child.stdout.readline()  # its busy loop is done; it waits, alive, for a line
        used = process_tree_cpu(os.getpid()) - before
        child.stdin.close()
    assert used >= 0.5  # the child's busy loop, beside this process's own


def test_grown_training_sets_keep_the_real_samples_first():
    rng = np.random.default_rng(0)
    inputs, labels = rng.integers(0, 17, (50, 64)).astype(np.uint8), np.arange(50) % 10
    bigger, bigger_labels = grown(inputs, labels, 1000)
    assert bigger.shape == (1000, 64) and bigger.dtype == np.uint8 and bigger.max() <= 16
    assert np.array_equal(bigger[:50], inputs) and np.array_equal(bigger_labels[:50], labels)
    differences = np.abs(bigger[50:, None].astype(int) - inputs[None].astype(int)).max(axis=2)
    assert differences.min(axis=1).max() <= 2  # each added sample is a real one moved by at most 2 per cell
