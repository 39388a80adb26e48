"""benchmarks.number on a tiny sample, and the numbers it composes: apart or touching, as asked."""
import re

import numpy as np
from scipy import ndimage

from app.recognition import number_drawings, reference
from app.recognition.handwriting import load_real_digits, split_indices
from app.recognition.training_set import HANDWRITING_GROUPS, TrainingSet
from benchmarks.number import build_folds, drawn_alone, error_kind, report


def pieces(image):
    """Connected pieces of ink of an RGBA drawing."""
    return ndimage.label(np.asarray(image.getchannel("A")) > 40, structure=np.ones((3, 3)))[1]


def test_apart_digits_stay_apart_and_touching_ones_touch():
    images, _ = load_real_digits()
    ones = split_indices()[1][100:110]  # real 1s: a single stroke each
    rng = np.random.default_rng(0)
    for count in (2, 4, 6):
        drawing = number_drawings.compose(images[ones[:count]], rng)
        assert pieces(number_drawings.render(drawing, rng)) == count
        lefts = [box[0] for box in drawing.boxes]
        assert lefts == sorted(lefts)
    for _ in range(5):
        assert pieces(number_drawings.render(number_drawings.compose(images[ones[:2]], rng, touching=True), rng)) == 1


def test_the_benchmark_prints_every_table_on_a_tiny_sample(app, capsys):
    singles = [reference.draw_real(i, style) for i in split_indices()[1][:2] for style in reference.STYLES]
    report(app, scale=1 / 200, singles=singles)
    printed = capsys.readouterr().out
    for name in ("2 apart", "3 apart", "4 apart", "5 apart", "6 apart", "touching pairs"):  # count, whole, digits,
        # read alone, times
        assert re.search(rf"^{name}\s+[12](\s+\d+\.\d%){{3}}(\s+\d+\.\d){{3}}$", printed, re.MULTILINE), name
    for group, target in (("2-4 apart", 92), ("5-6 apart", 85), ("touching pairs", 75)):  # whole, alone, target
        assert re.search(rf"^{group}(\s+\d+\.\d%){{2}}\s+{target}%$", printed, re.MULTILINE), group
    assert "alone: whole numbers right if each digit were segmented perfectly" in printed
    assert "single digits through /api/predict/number reading exactly as /api/predict: 4 of 4" in printed
    assert re.search(r"one /api/predict, 4 single drawings: p50 \d+\.\d ms, p99 \d+\.\d ms", printed)


def test_each_digit_drawn_alone_is_its_own_strokes():
    images, labels = load_real_digits()
    chosen = split_indices()[1][[5, 250, 730]]
    rng = np.random.default_rng(3)
    drawing = number_drawings.compose(images[chosen], rng)
    alone = drawn_alone(drawing, images[chosen], rng)
    assert len(alone) == 3
    for image, box in zip(alone, drawing.boxes):
        assert pieces(image) >= 1
        assert abs(image.width - box[2]) <= 2 * drawing.pen and abs(image.height - box[3]) <= 2 * drawing.pen  # its ink


def test_errors_are_told_apart_by_kind():
    assert error_kind("42", "42", "42") == "right"
    assert error_kind("42", "4", "42") == "too few (merged)"
    assert error_kind("42", "421", "42") == "too many (split)"
    assert error_kind("42", "47", "47") == "misread, alone too"
    assert error_kind("42", "47", "42") == "misread, right alone"


def test_tuning_reads_each_training_digit_with_a_model_that_never_saw_it(trained):
    model = trained[0]
    digits = split_indices()[0]
    per_digit = 3  # a real digit and two variants share its group
    inputs = np.zeros((len(digits) * per_digit + 50, 64), np.uint8)
    inputs[:-50, 0], inputs[:-50, 1] = np.repeat(digits % 256, per_digit), np.repeat(digits // 256, per_digit)
    inputs[-50:, 2] = 1  # load_digits samples: in every fold's model
    labels = np.concatenate([np.repeat(load_real_digits()[1][digits], per_digit), np.arange(50) % 10])
    groups = np.concatenate([np.repeat(HANDWRITING_GROUPS + digits, per_digit), np.arange(50)])
    built = build_folds(model, count=4, training=TrainingSet(inputs, labels, np.zeros(len(labels), np.uint8), groups))
    assert len(built) == 4
    assert sorted(np.concatenate([fold.indices for fold in built])) == sorted(digits)  # each digit in one part
    for fold in built:
        real = fold.model.inputs[fold.model.inputs[:, 2] == 0]
        seen = set(real[:, 0].astype(int) + 256 * real[:, 1].astype(int))
        assert seen == set(digits) - set(fold.indices)
        assert len(real) == per_digit * len(seen) and (fold.model.inputs[:, 2] == 1).sum() == 50
        assert fold.model.far_threshold == model.far_threshold
