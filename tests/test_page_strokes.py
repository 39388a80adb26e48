"""The page benchmark's digits: real validation digits as unit-box pen strokes."""
import json
import sys

import numpy as np
import pytest

from app.recognition.drawings import pen_strokes
from app.recognition.handwriting import load_real_digits, split_indices
from benchmarks import page_strokes


def test_unit_box_moves_to_the_corner_and_scales_the_longer_side_to_one():
    assert page_strokes.unit_box([[(2, 3), (6, 3)], [(4, 5)]]) == [[[0.0, 0.0], [1.0, 0.0]], [[0.5, 0.5]]]


def test_the_first_validation_digits_of_each_class_in_their_own_box():
    images, labels = load_real_digits()
    _, validation = split_indices()
    digits = page_strokes.page_strokes(per_digit=2)
    assert [digit["label"] for digit in digits] == [d for d in range(10) for _ in range(2)]
    for d in range(10):
        first_two = validation[labels[validation] == d][:2].tolist()
        assert [digit["index"] for digit in digits if digit["label"] == d] == first_two
    for digit in digits:
        points = np.vstack(digit["strokes"])
        assert points.min(axis=0).tolist() == [0.0, 0.0]
        assert points.max() == 1.0
        traced = np.vstack(pen_strokes(images[digit["index"]]))  # the same centre-line, only moved and scaled
        scale = np.ptp(traced, axis=0).max()
        assert np.allclose(points * scale + traced.min(axis=0), traced, atol=1e-3 * scale)


def test_the_command_writes_the_digits_and_refuses_counts_the_split_does_not_have(tmp_path, monkeypatch):
    out = tmp_path / "strokes.json"
    monkeypatch.setattr(sys, "argv", ["page_strokes", str(out), "--per-digit", "1"])
    page_strokes.main()
    assert [digit["label"] for digit in json.loads(out.read_text())] == list(range(10))
    for count in ("0", "101"):
        monkeypatch.setattr(sys, "argv", ["page_strokes", str(tmp_path / "no.json"), "--per-digit", count])
        with pytest.raises(SystemExit):
            page_strokes.main()
    assert not (tmp_path / "no.json").exists()
