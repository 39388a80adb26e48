"""Drawings as a browser canvas exports them: tracing centre-lines into strokes and rendering them."""
import numpy as np
import pytest

from app.recognition import drawings
from app.recognition import preprocessing as pp
from app.recognition.handwriting import load_real_digits


def edges(paths):
    return {frozenset(pair) for path in paths for pair in zip(path, path[1:])}


def test_trace_walks_every_edge_of_a_junction_once():
    skeleton = np.zeros((9, 9), dtype=bool)
    skeleton[1:8, 4] = True  # a vertical bar
    skeleton[4, 1:4] = True  # a branch to the left at row 4: a T junction
    skeleton[0, 0] = True  # a lone dot
    paths = drawings.trace(skeleton)
    assert [(0, 0)] in paths
    pixels = {p for path in paths for p in path}
    assert pixels == set(zip(*np.nonzero(skeleton)))
    steps = [pair for path in paths for pair in zip(path, path[1:])]
    assert len(steps) == len(edges(paths))  # no edge walked twice
    assert len(paths) == 4  # three arms from the junction, and the dot


def test_trace_follows_a_loop_that_has_no_end():
    ring = np.zeros((12, 12), dtype=bool)
    ring[2, 3:9] = ring[9, 3:9] = ring[3:9, 2] = ring[3:9, 9] = True
    ring[2, 2] = ring[2, 9] = ring[9, 2] = ring[9, 9] = False
    paths = drawings.trace(ring)
    assert len(paths) == 1 and paths[0][0] == paths[0][-1]  # one closed stroke round the ring
    assert set(paths[0]) == set(zip(*np.nonzero(ring))) and len(paths[0]) == ring.sum() + 1


@pytest.mark.parametrize("index", [0, 1234, 4321])
def test_pen_strokes_of_a_real_digit_redraw_its_shape(index):
    """Strokes traced from a real digit and drawn at its size cover its ink and little else."""
    image = load_real_digits()[0][index]
    strokes = drawings.pen_strokes(image)
    assert all(0 <= x <= 28 and 0 <= y <= 28 for stroke in strokes for x, y in stroke)
    drawn = np.asarray(drawings.draw_strokes([[(x * 10, y * 10) for x, y in s] for s in strokes], 280, 20)
                       .getchannel("A").resize((28, 28))) > 64
    ink = image > 0.5
    assert (drawn & ink).sum() > 0.8 * ink.sum()
    assert (drawn & ~ink).sum() < 0.6 * ink.sum()


def test_renderings_are_canvas_like_and_seeded():
    image = load_real_digits()[0][2500]
    for render in (lambda rng: drawings.render_strokes(drawings.pen_strokes(image), rng),
                   lambda rng: drawings.render_ink(image, rng)):
        drawing = render(np.random.default_rng(3))
        assert drawing.mode == "RGBA" and 200 <= drawing.width <= 400 and drawing.width == drawing.height
        alpha = np.asarray(drawing.getchannel("A"))
        assert alpha[0].max() == 0 or alpha[-1].max() == 0  # transparent around the drawing
        assert 0 < ((alpha > 0) & (alpha < 255)).sum()  # anti-aliased edges
        rows = np.flatnonzero(alpha.max(axis=1) > 127)
        assert 0.3 * drawing.height <= np.ptp(rows) <= 0.97 * drawing.height
        assert (np.asarray(render(np.random.default_rng(3))) == np.asarray(drawing)).all()
        assert pp.features_from_image(drawing).max() == 16
