"""The optdigits-style normalisation steps on small synthetic arrays, and the pipeline on odd drawings."""
import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from app.recognition import preprocessing as pp
from tests.drawing import SEVEN, draw_strokes


def bar(rows, cols, top, left, height, width):
    mask = np.zeros((rows, cols), dtype=bool)
    mask[top:top + height, left:left + width] = True
    return mask


def test_fit_height_keeps_the_aspect_ratio():
    fitted = pp.fit_height(np.ones((20, 10), dtype=np.float32), height=64)
    assert fitted.shape == (64, 32)


def test_wide_shapes_are_capped_at_the_box_width():
    fitted = pp.fit_height(np.ones((10, 100), dtype=np.float32), height=64, max_aspect=1.0)
    assert fitted.shape == (6, 64)


def test_binarize_keeps_something_of_faint_ink():
    assert pp.binarize(np.full((3, 3), 0.1)).all()
    assert pp.binarize(np.array([[0.2, 0.9]])).tolist() == [[False, True]]


@pytest.mark.parametrize("width", [1, 30])
def test_stroke_weight_moves_towards_the_target(width):
    mask = bar(80, 80, 8, 40 - width // 2, 64, width)
    before = abs(pp.stroke_width(mask)[0] - 14)
    after = abs(pp.stroke_width(pp.normalise_stroke(mask, 14))[0] - 14)
    assert after < before / 2


@pytest.mark.parametrize("seed", range(6))
def test_stroke_change_is_growing_or_peeling_by_euclidean_distance(seed):
    """The disk dilation / erosion gives exactly the pixels a Euclidean distance transform's threshold gives."""
    rng = np.random.default_rng(seed)
    strokes = [rng.uniform(8, 56, (rng.integers(2, 6), 2)) for _ in range(rng.integers(1, 4))]
    mask = np.asarray(draw_strokes(strokes, size=64, width=int(rng.integers(2, 30))).getchannel("A")) > 127
    padded = pp.pad_mask(mask, 8)
    current, skeleton = pp.stroke_width(padded)
    for width in (4.0, 9.5, 14.0, 23.0):
        change = (width - current) / 2
        if change > 0:
            expected = ndimage.distance_transform_edt(~padded) <= change
        else:
            expected = (ndimage.distance_transform_edt(padded) > -change) | skeleton
        assert (pp.normalise_stroke(mask, width) == pp.crop_to_ink(expected, 0.5)).all()


@pytest.mark.parametrize("towards", [0.0, np.inf, -np.inf])
def test_the_cached_disk_holds_the_offsets_within_the_radius(towards):
    """Cached by the squared offsets it holds, the disk is still every offset whose length is within the radius, at
    the roots of whole numbers and a rounding step either side of them."""
    for radius in np.sqrt(np.arange(0, 200)):
        radius = float(np.nextafter(radius, towards)) if towards else float(radius)
        reach = int(radius)
        rows, cols = np.ogrid[-reach:reach + 1, -reach:reach + 1]
        assert np.array_equal(pp.disk(radius), np.sqrt(rows * rows + cols * cols) <= radius), radius


def test_a_blob_peels_to_its_centre_line():
    rows, cols = np.mgrid[-30:31, -30:31]
    blob = np.hypot(rows, cols) < 28  # a tap: its skeleton is a dot, its "stroke width" the whole area
    assert pp.normalise_stroke(blob, 14).sum() <= 9


def test_thinning_keeps_loops_open_and_strokes_connected():
    rows, cols = np.mgrid[-40:41, -40:41]
    radius = np.hypot(rows, cols)
    ring = (radius > 10) & (radius < 36)  # a heavy 0 with a small hole
    thinned = pp.normalise_stroke(ring, 8)

    assert ndimage.label(thinned)[1] == 1
    assert ndimage.label(~np.pad(thinned, 1))[1] == 2  # outside + the hole


def test_deskew_straightens_a_sheared_bar():
    mask = np.zeros((64, 64), dtype=bool)
    for row in range(64):
        start = 10 + row * 30 // 64
        mask[row, start:start + 8] = True
    assert pp.skew(mask) == pytest.approx(30 / 64, abs=0.05)
    straight = pp.deskew(mask)
    assert abs(pp.skew(straight)) < 0.05
    assert straight.shape[1] < 20  # the bar is about 8 px wide again


def test_deskew_is_scipys_affine_shear():
    mask = np.zeros((40, 30), dtype=bool)
    for row in range(40):
        start = 4 + row * 12 // 40
        mask[row, start:start + 7] = True
    shear, centre = pp.skew(mask), np.nonzero(mask)[0].mean()
    margin = int(np.ceil(abs(shear) * 40)) + 1
    framed = np.pad(mask, 1).astype(np.float32)  # edges interpolate towards the background
    expected = ndimage.affine_transform(framed, np.array([[1.0, 0.0], [shear, 1.0]]),
                                        np.array([0.0, -margin - shear * (centre + 1)]), (42, 32 + 2 * margin), order=1)
    assert np.array_equal(pp.deskew(mask), pp.crop_to_ink(expected, 0.5) > 0.5)


def test_pad_mask():
    padded = pp.pad_mask(np.ones((2, 3), dtype=bool), 2)
    assert padded.shape == (6, 7) and padded.sum() == 6 and padded[2:4, 2:5].all()


def test_deskew_leaves_upright_and_flat_shapes_alone():
    upright = bar(64, 20, 0, 6, 64, 8)
    assert (pp.deskew(upright) == upright).all()
    dot = np.ones((1, 1), dtype=bool)
    assert pp.deskew(dot).all()


def test_centre_in_box_by_bounding_box():
    box = pp.centre_in_box(np.ones((32, 12), dtype=bool), 32)
    assert box[:, 10:22].all() and not box[:, :10].any() and not box[:, 22:].any()


def test_block_counts_are_optdigits_encoding():
    rng = np.random.default_rng(0)
    bitmap = rng.random((32, 32)) > 0.5
    counts = pp.block_counts(bitmap)
    expected = [[bitmap[4 * r:4 * r + 4, 4 * c:4 * c + 4].sum() for c in range(8)] for r in range(8)]
    assert counts.tolist() == expected
    assert counts.dtype == np.uint8 and counts.min() >= 0 and counts.max() <= 16
    assert pp.block_counts(np.ones((32, 32), dtype=bool)).tolist() == [[16] * 8] * 8


def test_features_span_all_rows_like_load_digits():
    features = pp.features_from_image(draw_strokes(SEVEN))
    assert features.shape == (8, 8)
    assert features.any(axis=1).all()


@pytest.mark.parametrize("strokes,size,width", [
    ([[(100, 100)]], 200, 6),  # a single dot
    ([[(20, 100), (180, 102)]], 200, 8),  # a horizontal line: very wide
    ([[(100, 20), (100, 180)]], 200, 2),  # a thin vertical line
    ([[(2, 2), (5, 9)]], 12, 1),  # a short line on a tiny canvas
])
def test_odd_drawings_give_features(strokes, size, width):
    features = pp.features_from_image(draw_strokes(strokes, size=size, width=width))
    assert features.shape == (8, 8) and 0 < features.max() <= 16


def test_tiny_drawing_on_the_largest_canvas():
    canvas = Image.new("RGBA", (4096, 4096), (0, 0, 0, 0))
    canvas.alpha_composite(draw_strokes(SEVEN, size=280, width=16), (3000, 200))
    expected = pp.features_from_image(draw_strokes(SEVEN, size=280, width=16))
    assert (pp.features_from_image(canvas) == expected).all()


def test_stroke_weight_and_size_barely_change_the_features():
    thin = pp.features_from_image(draw_strokes(SEVEN, width=6)).astype(int)
    thick = pp.features_from_image(draw_strokes(SEVEN, width=28)).astype(int)
    small = draw_strokes([[(x / 4 + 20, y / 4 + 30) for x, y in s] for s in SEVEN], size=280, width=4)
    assert np.abs(thin - thick).sum() < 0.35 * thin.sum()
    assert np.abs(thin - pp.features_from_image(small)).sum() < 0.35 * thin.sum()


CROSS = [[(140, 40), (140, 240)], [(40, 140), (240, 140)]]
FOUR = [[(170, 240), (170, 40), (60, 170), (220, 170)]]


@pytest.mark.parametrize("strokes", [SEVEN, CROSS, [[(100, 100)]]])
def test_a_drawing_read_with_its_shape_has_the_same_features(strokes):
    image = draw_strokes(strokes, width=12)
    features, _ = pp.drawing_from_image(image)
    assert (features == pp.features_from_image(image)).all()


@pytest.mark.parametrize("width", [6, 16, 40])
def test_a_dot_is_under_the_dot_extent_and_a_digit_above_it(width):
    from app.recognition.uncertainty import DOT_EXTENT

    assert pp.drawing_from_image(draw_strokes([[(100, 100)]], size=200, width=width))[1].extent < DOT_EXTENT
    assert pp.drawing_from_image(draw_strokes(SEVEN, width=width))[1].extent > DOT_EXTENT


def test_a_small_one_drawn_with_the_pages_pen_is_not_a_dot():
    from app.recognition.uncertainty import DOT_EXTENT

    pen = 280 / 18  # the page's line width (frontend/src/geometry.js) on its 280 px export
    small_one = [[(200, 100), (198, 160)]]  # 60 px tall: a fifth of the canvas
    assert pp.drawing_from_image(draw_strokes(small_one, size=280, width=pen))[1].extent > DOT_EXTENT


@pytest.mark.parametrize("strokes,crossing", [
    (CROSS, True),
    ([[(40, 40), (240, 240)], [(240, 40), (40, 240)]], True),  # an x
    (SEVEN, False), (FOUR, False),  # a 4 drawn in one stroke: three ends, a loop
    ([[(150, 40), (146, 140), (142, 240)]], False),
    ([[(140, 40), (95, 60), (75, 140), (95, 220), (140, 240), (185, 220), (205, 140), (185, 60), (140, 40)]], False),
])
def test_crossing_is_two_strokes_through_one_junction(strokes, crossing):
    assert pp.drawing_from_image(draw_strokes(strokes, width=14))[1].crossing is crossing
