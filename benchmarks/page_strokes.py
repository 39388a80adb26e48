"""Real validation digits as pen strokes for the page benchmark and the e2e tests.

``python -m benchmarks.page_strokes OUT.json [--per-digit N]`` writes, for the first N validation digits of
each class (``handwriting.split_indices``), ``{"index", "label", "strokes"}``: the digit's centre-line
(``canvas.pen_strokes``) in unit coordinates of its own box, aspect kept (the longer side spans 0..1).
Playwright draws them with the mouse (benchmarks/page/, tests/e2e/real-digits.spec.js).
"""
import argparse
import json
from pathlib import Path

import numpy as np

from app.recognition.drawings import pen_strokes
from app.recognition.handwriting import VALIDATION_PER_DIGIT, load_real_digits, split_indices

PER_DIGIT = 20
DECIMALS = 4  # a ten-thousandth of the digit: far below a screen pixel


def first_validation_digits(per_digit):
    """Indices of the first ``per_digit`` validation digits of each class, digit 0's first."""
    _, labels = load_real_digits()
    _, validation = split_indices()
    return [int(index) for digit in range(10) for index in validation[labels[validation] == digit][:per_digit]]


def unit_box(strokes):
    """Polylines moved and scaled into their own box: the top-left corner at 0, the longer side 1."""
    points = np.vstack(strokes)
    low = points.min(axis=0)
    side = max(float((points.max(axis=0) - low).max()), 1e-9)
    return [np.round((np.asarray(stroke) - low) / side, DECIMALS).tolist() for stroke in strokes]


def page_strokes(per_digit=PER_DIGIT):
    """The exported digits: index into ``load_real_digits``, label and unit-box strokes."""
    images, labels = load_real_digits()
    return [{"index": index, "label": int(labels[index]), "strokes": unit_box(pen_strokes(images[index]))}
            for index in first_validation_digits(per_digit)]


def per_digit_count(text):
    """--per-digit: a count of validation digits of each class there are."""
    count = int(text)
    if not 1 <= count <= VALIDATION_PER_DIGIT:
        raise argparse.ArgumentTypeError(f"{count}: the validation split has 1 to {VALIDATION_PER_DIGIT} digits of each class")
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the JSON file to write")
    parser.add_argument("--per-digit", type=per_digit_count, default=PER_DIGIT, metavar="N",
                        help=f"validation digits of each class, 1 to {VALIDATION_PER_DIGIT} (default {PER_DIGIT})")
    args = parser.parse_args()
    digits = page_strokes(args.per_digit)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(digits))
    print(f"Wrote {len(digits)} validation digits as strokes to {args.out}")


if __name__ == "__main__":
    main()
