"""The accuracy benchmark's diagnostics: the sheet of misreads, the stray dot."""
import numpy as np
from PIL import Image

from app.recognition.training_set import load_base_digits
from benchmarks.accuracy import save_misreads
from app.recognition.drawings import add_speck
from benchmarks.sheet import CAPTION, TILE, source_picture
from tests.drawing import draw_strokes

RING = [(140 + 60 * np.cos(t), 140 + 90 * np.sin(t)) for t in np.linspace(0, 2 * np.pi, 40)]
ARC = RING[5:36]  # the ring with a gap: a C


def test_contact_sheet_shows_each_drawing_beside_its_source(tmp_path):
    inputs, labels = load_base_digits()
    drawings = [draw_strokes([RING], width=12), draw_strokes([ARC], width=12), draw_strokes([ARC], width=12)]
    path = tmp_path / "misreads.png"
    save_misreads(path, drawings, inputs[:3], labels[:3], np.array([0, 7, 2]))  # digits 0, 1, 2
    sheet = Image.open(path)
    assert sheet.size == (6 * (2 * TILE + 8), TILE + CAPTION + 4)  # one row: only the 1 read as 7 is misread
    first = np.asarray(sheet.convert("L"))[:TILE, :2 * TILE]
    source = np.asarray(source_picture(inputs[1]))
    assert (first[:, :TILE] == source).all()  # the 8x8 source of the misread 1
    assert first[:, TILE + 4:].min() < 100  # and its drawing, dark on white


def test_a_speck_lands_outside_the_drawing_in_its_ink():
    drawing = draw_strokes([ARC], width=12, ink=(20, 30, 120))
    specked = add_speck(drawing, np.random.default_rng(0), radius=3)
    before, after = np.asarray(drawing), np.asarray(specked)
    changed = np.argwhere((before != after).any(axis=2))
    rows, cols = np.nonzero(before[..., 3] > 127)
    assert 9 <= len(changed) <= 49  # a dot of radius 3
    outside = (changed[:, 0] < rows.min() - 15) | (changed[:, 0] > rows.max() + 15) | \
        (changed[:, 1] < cols.min() - 15) | (changed[:, 1] > cols.max() + 15)
    assert outside.all()
    assert (after[changed[:, 0], changed[:, 1]] == (20, 30, 120, 255)).all()
