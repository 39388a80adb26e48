"""The number reader's segmentation: broken digits joined, touching digits cut, near single drawings never cut."""
import numpy as np
import pytest

from app.recognition import number_drawings, reference, segmentation
from app.recognition import preprocessing as pp
from app.recognition.handwriting import load_real_digits, split_indices
from app.recognition.uncertainty import outlier_score
from tests.drawing import draw_strokes


def composed_number(seed, count, touching):
    """(a number of ``count`` TRAINING digits drawn as the page's Number mode draws, the digits drawn)."""
    images, labels = load_real_digits()
    rng = np.random.default_rng(seed)
    chosen = rng.choice(split_indices()[0], count)
    drawing = number_drawings.compose(images[chosen], rng, touching)
    return number_drawings.render(drawing, rng), "".join(map(str, labels[chosen]))


def read(model, image):
    return "".join(str(digit.prediction.digit) for digit in segmentation.NumberReader(model).read(image))


@pytest.mark.parametrize("seed, count, touching", [
    (43, 3, False),  # 564: the 6 broken in two pieces was read "26"
    (80, 2, True),  # 97 touching: was read "0"
    (92, 2, True),  # 46 touching: was read "5"
])
def test_numbers_the_first_reader_misread(trained, seed, count, touching):
    image, truth = composed_number(seed, count, touching)
    assert read(trained[0], image) == truth


@pytest.mark.parametrize("seed", [
    27,  # 06 touching: was read "6" while a cut had to beat the whole's distance alone, however wide the drawing
    34,  # 00 touching: was read "0"
    89,  # 85 touching: was read "5"
])
def test_a_wide_touching_pair_is_cut_though_its_whole_reads_as_a_digit(trained, seed):
    image, truth = composed_number(seed, 2, True)
    assert read(trained[0], image) == truth


@pytest.mark.parametrize("gain", [segmentation.SPLIT_GAIN, 10.0])  # 10: any cut would be taken, but for nearness
def test_a_near_single_drawing_is_never_cut(trained, gain):
    model = trained[0]
    reader = segmentation.NumberReader(model, gain=gain)
    checked = 0
    for index in split_indices()[1][::50]:
        for style in reference.STYLES:
            image = reference.draw_real(index, style)
            features, shape = pp.drawing_from_image(image)
            if outlier_score(model.far_distances(features[None]))[0] > reader.far_cut:
                continue
            digits = reader.read(image)
            assert len(digits) == 1 and np.array_equal(digits[0].features, features)
            assert digits[0].prediction.digit == model.predict_one(features, shape).digit
            checked += 1
    assert checked >= 30


def test_column_overlap_is_a_share_of_the_narrower_part():
    first, second = np.zeros((4, 20), bool), np.zeros((4, 20), bool)
    first[:, 0:10] = True
    second[:, 8:12] = True
    assert segmentation.column_overlap(first, second) == pytest.approx(0.5)
    second[:] = False
    second[:, 12:16] = True
    assert segmentation.column_overlap(first, second) == pytest.approx(-0.5)  # a gap of half the narrower


@pytest.mark.parametrize("stroke", [
    [(20, 140), (820, 140)],  # a 7's bar or a 2's foot drawn first, as a preview sends it
    [(20, 140), (60, 120), (100, 160), (140, 120), (180, 160), (220, 120), (260, 160), (300, 120), (340, 160)],
])
def test_a_long_flat_stroke_is_not_cut_into_digits(trained, stroke):
    image = draw_strokes([stroke], size=840, width=12, height=280)
    assert len(segmentation.NumberReader(trained[0]).read(image)) == 1


def test_a_small_piece_close_beside_a_digit_is_part_of_it_and_farther_off_a_digit_of_its_own():
    def mask(rows, cols):
        canvas = np.zeros((120, 200), bool)
        canvas[rows[0]:rows[1], cols[0]:cols[1]] = True
        return canvas
    first, last = mask((10, 110), (10, 60)), mask((10, 110), (130, 180))
    close = mask((10, 30), (63, 75))  # 3 px from the first digit: under FRAGMENT_GAP of its 100 px height
    joined = segmentation.fragments_joined([first, close, last])
    assert len(joined) == 2 and np.array_equal(joined[0], first | close) and np.array_equal(joined[1], last)
    apart = mask((10, 30), (85, 97))  # 25 px from it, 33 from the last: a next digit's first stroke
    assert len(segmentation.fragments_joined([first, apart, last])) == 3
    flag = mask((8, 20), (45, 110))  # a 5's flag drawn apart, over less than half of its columns: wide but flat
    joined = segmentation.fragments_joined([first, flag, last])
    assert len(joined) == 2 and np.array_equal(joined[0], first | flag)


def test_a_nine_whose_top_the_pen_left_apart_is_one_digit(trained):
    nine = [[(120, 60), (80, 50), (60, 90), (80, 130), (120, 125), (128, 90)], [(128, 95), (125, 170), (112, 240)]]
    piece = [[(150, 60), (162, 75), (156, 100)]]  # the loop's closing hook, 9 px right of it: was read "1"
    four = [[(300, 50), (260, 160), (350, 160)], [(330, 90), (325, 240)]]
    image = draw_strokes(nine + piece + four, size=840, width=12, height=280)
    digits = segmentation.NumberReader(trained[0]).read(image)
    assert len(digits) == 2 and digits[0].prediction.digit == 9 and digits[0].box[0] + digits[0].box[2] >= 168


@pytest.mark.parametrize("seed, touching", [(80, True), (92, True), (43, False)])
def test_a_digit_read_from_its_ink_reads_as_a_canvas_drawing_of_it(trained, seed, touching):
    """Every half a cut is tried with is read without making its drawing: the same features and shape."""
    image, _ = composed_number(seed, 2, touching)
    parts = segmentation.ink_parts(image)
    mask = parts.labels > 0
    for column in segmentation.cut_columns(mask):
        for half in segmentation.cut_at(mask, column):
            drawing = segmentation.digit_drawing(parts, half)
            features, shape = pp.drawing_from_image(drawing.image())
            assert np.array_equal(drawing.features, features) and drawing.shape.extent == shape.extent
            assert np.array_equal(drawing.shape._skeleton, shape._skeleton)
