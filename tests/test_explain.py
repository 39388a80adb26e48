"""Explained answers: the neighbours that voted, and an honest "not sure"."""
from types import SimpleNamespace

import numpy as np
import pytest

from app.recognition.uncertainty import DOT_EXTENT, FAR, SHAPE, SPLIT, far_threshold, judge
from app.recognition.drawings import render_strokes
from evaluation.nondigits import glyph, scribble
from tests.drawing import ONE, SEVEN, ZERO, data_uri, draw_strokes


def predict(client, image):
    response = client.post("/api/predict", json={"image": data_uri(image)})
    assert response.status_code == 200
    return response.get_json()


@pytest.mark.parametrize("strokes,digit", [(SEVEN, 7), (ONE, 1), (ZERO, 0)])
def test_clean_digit_is_not_flagged(client, strokes, digit):
    body = predict(client, draw_strokes(strokes))
    assert body["digit"] == digit
    assert body["uncertain"] is False and "reason" not in body


def test_neighbors_are_the_k_nearest_that_voted(client, app):
    body = predict(client, draw_strokes(SEVEN))
    model = app.extensions["classifier_repo"].current().model
    neighbors = body["neighbors"]
    assert len(neighbors) == model.n_neighbors
    distances = [n["distance"] for n in neighbors]
    assert distances == sorted(distances)
    features = np.array(body["input"], dtype=float).ravel()
    for n in neighbors:
        assert n["source"] in {"handwriting", "load_digits", "synthetic", "feedback"}
        assert 0 <= n["label"] <= 9
        grid = np.array(n["input"])
        assert grid.shape == (8, 8) and grid.min() >= 0 and grid.max() <= 16
        assert np.linalg.norm(grid.ravel() - features) == pytest.approx(n["distance"], abs=1e-2)
    votes = np.zeros(10)
    for n in neighbors:  # the model votes by inverse distance
        votes[n["label"]] += 1 / max(n["distance"], 1e-9)
    assert votes.argmax() == body["digit"]
    assert np.allclose(votes / votes.sum(), body["probabilities"], atol=1e-3)


def test_scribble_is_flagged_far_from_training_data(client):
    strokes = scribble(np.random.default_rng(3))
    body = predict(client, render_strokes(strokes, np.random.default_rng(3), size=280))
    assert body["uncertain"] is True and body["reason"] == FAR
    assert 0 <= body["digit"] <= 9 and len(body["probabilities"]) == 10  # still the best guess


@pytest.mark.parametrize("letter", ["A", "K", "M"])
def test_letter_is_flagged(client, letter):
    body = predict(client, render_strokes(glyph(letter), np.random.default_rng(5), size=300))
    assert body["uncertain"] is True and body["reason"] == FAR


@pytest.mark.parametrize("strokes", [[[(140, 140)]], [[(140, 40), (140, 240)], [(40, 140), (240, 140)]]])
def test_a_dot_and_a_cross_are_flagged_in_both_routes(client, strokes):
    image = draw_strokes(strokes, width=14)
    body = predict(client, image)
    assert body["uncertain"] is True and body["reason"] in {FAR, SHAPE}
    slot = client.post("/api/predict/batch", json={"images": [data_uri(image)]}).get_json()["predictions"][0]
    assert slot["reason"] == body["reason"]


def test_batch_replies_are_explained_too(client, app):
    images = [data_uri(draw_strokes(SEVEN)), data_uri(render_strokes(glyph("K"), np.random.default_rng(5)))]
    slots = client.post("/api/predict/batch", json={"images": images}).get_json()["predictions"]
    n_neighbors = app.extensions["classifier_repo"].current().model.n_neighbors
    assert slots[0]["uncertain"] is False and len(slots[0]["neighbors"]) == n_neighbors
    assert slots[1]["uncertain"] is True


def test_threshold_is_stored_with_the_model(client, trained):
    model, metadata = trained
    assert metadata["far_threshold"] == pytest.approx(model.far_threshold, abs=1e-3)
    assert metadata["shape_threshold"] == pytest.approx(model.shape_threshold, abs=1e-3)
    assert 0 < model.shape_threshold < model.far_threshold
    assert client.get("/api/health").get_json()["model"]["far_threshold"] == metadata["far_threshold"]


class TestJudge:
    def test_far(self):
        assert judge(np.array([1.0] + [0.0] * 9), np.array([50.0, 60.0, 70.0]), threshold=30.0) == FAR

    def test_split_vote(self):
        probabilities = np.array([0.5, 0.5] + [0.0] * 8)
        assert judge(probabilities, np.array([5.0, 5.0, 6.0]), threshold=30.0) == SPLIT

    def test_confident(self):
        assert judge(np.array([0.9, 0.1] + [0.0] * 8), np.array([5.0, 6.0, 7.0]), threshold=30.0) is None

    def test_a_dot_is_unlike_a_digit_however_near(self):
        dot = SimpleNamespace(extent=DOT_EXTENT / 2, crossing=False)
        assert judge(np.array([1.0] + [0.0] * 9), np.array([5.0, 6.0, 7.0]), 30.0, dot) == SHAPE

    @pytest.mark.parametrize("distance,reason,without", [(25.0, SHAPE, None), (15.0, None, None), (35.0, SHAPE, FAR)])
    def test_a_crossing_is_unlike_a_digit_above_the_shape_threshold(self, distance, reason, without):
        crossing = SimpleNamespace(extent=8.0, crossing=True)
        assert judge(np.array([1.0] + [0.0] * 9), np.full(5, distance), 30.0, crossing, shape_threshold=20.0) == reason
        assert judge(np.array([1.0] + [0.0] * 9), np.full(5, distance), 30.0, crossing) == without

    def test_a_far_dot_is_told_as_a_dot(self):
        dot = SimpleNamespace(extent=DOT_EXTENT / 2, crossing=False)
        assert judge(np.array([1.0] + [0.0] * 9), np.full(5, 50.0), 30.0, dot) == SHAPE
        assert judge(np.array([1.0] + [0.0] * 9), np.full(5, 50.0), 30.0) == FAR

    def test_an_ordinary_shape_changes_nothing(self):
        digit = SimpleNamespace(extent=8.0, crossing=False)
        assert judge(np.array([1.0] + [0.0] * 9), np.full(5, 25.0), 30.0, digit, shape_threshold=20.0) is None

    def test_model_without_threshold_only_judges_the_vote(self):
        assert judge(np.array([1.0] + [0.0] * 9), np.array([500.0, 600.0, 700.0]), threshold=None) is None

    def test_far_threshold_is_a_high_percentile(self):
        scores = np.arange(1000, dtype=float)
        assert far_threshold(scores, percentile=99.0) == pytest.approx(989.01)
