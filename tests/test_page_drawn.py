"""The page benchmark's drawings read back from test-artifacts/page-drawn.json."""
import json

import numpy as np

from benchmarks.page_drawn import NOTHING_SHOWN, page_drawn_set
from tests.drawing import ONE, SEVEN, data_uri, draw_strokes


def test_reads_the_posted_pngs_with_what_the_page_showed(tmp_path):
    seven, one = draw_strokes(SEVEN), draw_strokes(ONE)
    path = tmp_path / "page-drawn.json"
    path.write_text(json.dumps({"drawings": [
        {"index": 3504, "label": 7, "viewport": "desktop", "shown": 1, "flagged": True, "image": data_uri(seven)},
        {"index": 509, "label": 1, "viewport": "phone", "shown": None, "flagged": False, "image": data_uri(one)},
    ]}))
    images, labels, shown, flagged = page_drawn_set(path)
    assert [image.mode for image in images] == ["RGBA", "RGBA"]
    assert np.array_equal(np.asarray(images[0]), np.asarray(seven))
    assert np.array_equal(np.asarray(images[1]), np.asarray(one))
    assert labels.tolist() == [7, 1]
    assert shown.tolist() == [1, NOTHING_SHOWN]
    assert flagged.tolist() == [True, False]


def test_none_before_the_benchmark_has_run(tmp_path):
    assert page_drawn_set(tmp_path / "page-drawn.json") is None
