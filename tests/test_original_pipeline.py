"""The original design's pipeline (benchmarks.original_pipeline) and the server that serves it for the load benchmark."""
import numpy as np
import pytest
from PIL import Image

from benchmarks.baseline_server import create_app, train
from benchmarks.original_pipeline import original_features, original_knn, pad_to_square
from tests.drawing import ONE, SEVEN, ZERO, data_uri, draw_strokes


def test_a_drawing_becomes_load_digits_like_features():
    features = original_features(draw_strokes(SEVEN))
    assert features.shape == (8, 8) and features.dtype == np.uint8 and features.max() == 16
    assert (features[:, [0, -1]] <= 2).all()  # the 30 px margin keeps the ink off the sides


def test_a_blank_canvas_has_no_features():
    with pytest.raises(ValueError, match="Nothing is drawn"):
        original_features(Image.new("RGBA", (100, 100), (0, 0, 0, 0)))


def test_pad_to_square_centres():
    padded = pad_to_square(np.ones((10, 4)))
    assert padded.shape == (10, 10) and padded[:, 3:7].all() and not padded[:, :3].any()


def test_the_original_server_answers_what_its_pipeline_reads(tmp_path):
    path = tmp_path / "original.pkl"
    train(path)
    client, knn = create_app(path).test_client(), original_knn()
    for strokes in (SEVEN, ONE, ZERO):
        image = draw_strokes(strokes)
        answer = client.post("/api/predict", json={"image": data_uri(image)}).get_json()["digit"]
        assert answer == knn.predict(original_features(image).reshape(1, -1))[0]
