"""POST /api/predict/number and feedback on a number: the contract, the errors, the stored digits and their review."""
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import select

from app.learning.examples import accepted_examples
from app.recognition import reference
from app.recognition.drawings import add_speck
from app.storage.records import Feedback, Prediction
from tests.drawing import data_uri, draw_strokes, raw_uri
from tests.test_api import error_of, seven_uri
from tests.test_preprocessing import png_claiming_size

NUMBER_PNG = Path("tests/data/number-42.png")  # real validation digits 4 and 2, drawn as the page draws
ADMIN_TOKEN = "number-admin-token"


def number_uri():
    return raw_uri(NUMBER_PNG.read_bytes())


def read_number(client, uri=None, **kwargs):
    response = client.post("/api/predict/number", json={"image": uri or number_uri()}, **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def bars(count, width=60):
    """``count`` upright strokes side by side: a drawing of ``count`` ones."""
    strokes = [[(30 + i * width, 30), (30 + i * width, 130)] for i in range(count)]
    return draw_strokes(strokes, size=60 + count * width, width=8, height=160)


class TestReply:
    def test_reads_both_digits_with_their_boxes(self, client):
        body = read_number(client)
        assert body["number"] == "42"
        assert [digit["digit"] for digit in body["digits"]] == [4, 2]
        assert body["uncertain"] is any(digit["uncertain"] for digit in body["digits"])
        assert isinstance(body["prediction_id"], int) and body["model_version"] == 1
        with Image.open(NUMBER_PNG) as image:
            width, height = image.size
        (x0, y0, w0, h0), (x1, y1, w1, h1) = (digit["box"] for digit in body["digits"])
        assert 0 <= x0 and x0 + w0 <= x1 and x1 + w1 <= width  # left to right, apart, inside the image
        assert all(0 <= y and y + h <= height and h > 20 for y, h in ((y0, h0), (y1, h1)))
        for digit in body["digits"]:
            assert len(digit["probabilities"]) == 10 and digit["probabilities"][digit["digit"]] == max(digit["probabilities"])
            assert len(digit["input"]) == 8 and digit["neighbors"]

    def test_bare_base64_and_multipart(self, client):
        assert read_number(client, number_uri().split(",", 1)[1])["number"] == "42"
        with NUMBER_PNG.open("rb") as handle:
            response = client.post("/api/predict/number", data={"image": (handle, "number.png")})
        assert response.status_code == 200 and response.get_json()["number"] == "42"

    def test_plain_text_reply(self, client):
        response = client.post("/api/predict/number", json={"image": number_uri()}, headers={"Accept": "text/plain"})
        assert response.status_code == 200 and response.mimetype == "text/plain"
        assert response.get_data(as_text=True) == "42"

    def test_a_row_of_ones(self, client):
        assert read_number(client, data_uri(bars(5)))["number"] == "11111"

    def test_a_stray_dot_is_no_digit(self, client):
        with Image.open(NUMBER_PNG) as image:
            specked = add_speck(image.convert("RGBA"), np.random.default_rng(1), radius=3, gap=5)
        assert read_number(client, data_uri(specked))["number"] == "42"


class TestSingleDigit:
    """A drawing of one digit reads exactly as /api/predict reads it (benchmarks.number checks all 2,000)."""

    @pytest.mark.parametrize("index", [0, 150, 333, 512, 777, 999])
    @pytest.mark.parametrize("style", reference.STYLES)
    def test_same_answer_as_predict(self, client, index, style):
        from app.recognition.handwriting import split_indices

        uri = data_uri(reference.draw_real(split_indices()[1][index], style))
        single = client.post("/api/predict", json={"image": uri}).get_json()
        [digit] = read_number(client, uri)["digits"]
        for field in ("digit", "probabilities", "input", "neighbors", "uncertain"):
            assert digit[field] == single[field]
        assert digit.get("reason") == single.get("reason")

    def test_the_seven(self, client):
        assert read_number(client, seven_uri())["number"] == "7"


class TestErrors:
    def test_no_ink_is_422(self, client):
        blank = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
        response = client.post("/api/predict/number", json={"image": data_uri(blank)})
        assert response.status_code == 422 and error_of(response) == "empty_image"

    def test_more_than_twelve_digits_is_422(self, client):
        assert read_number(client, data_uri(bars(12)))["number"] == "1" * 12
        response = client.post("/api/predict/number", json={"image": data_uri(bars(13))})
        assert response.status_code == 422 and error_of(response) == "too_many_digits"

    @pytest.mark.parametrize("body, status, code", [
        ({}, 400, "missing_image"),
        ({"image": 42}, 400, "invalid_image"),
        ({"image": "not base64!"}, 400, "invalid_image"),
        ({"image": raw_uri(b"GIF89a nonsense")}, 400, "invalid_image"),
    ])
    def test_bad_bodies(self, client, body, status, code):
        response = client.post("/api/predict/number", json=body)
        assert response.status_code == status and error_of(response) == code

    def test_not_json_is_415_and_too_large_413(self, client):
        response = client.post("/api/predict/number", data="image=1", content_type="text/plain")
        assert response.status_code == 415 and error_of(response) == "unsupported_media_type"
        response = client.post("/api/predict/number", json={"image": raw_uri(png_claiming_size(5000, 10))})
        assert response.status_code == 413 and error_of(response) == "image_too_large"

    def test_shares_the_prediction_rate_limit(self, app, client):
        app.config["PREDICT_RATE_LIMIT"] = "2 per minute"
        assert client.post("/api/predict", json={"image": seven_uri()}).status_code == 200
        assert client.post("/api/predict/number", json={"image": number_uri()}).status_code == 200
        response = client.post("/api/predict/number", json={"image": number_uri()})
        assert response.status_code == 429 and error_of(response) == "rate_limited"


def test_a_preview_with_store_false_is_answered_but_not_stored(app, client):
    response = client.post("/api/predict/number?store=false", json={"image": number_uri()})
    assert response.status_code == 200 and response.get_json()["number"] == "42"
    assert "prediction_id" not in response.get_json() and stored(app, Prediction) == []
    response = client.post("/api/predict/number?store=maybe", json={"image": number_uri()})
    assert response.status_code == 400 and error_of(response) == "invalid_store"


def stored(app, model):
    with app.extensions["database"].Session() as session:
        return session.scalars(select(model).order_by(model.id)).all()


class TestFeedback:
    def test_digits_are_stored_as_one_number_with_their_boxes(self, app, client):
        body = read_number(client)
        rows = stored(app, Prediction)
        assert [row.digit for row in rows] == [4, 2]
        assert {row.number_id for row in rows} == {body["prediction_id"]} and rows[0].id == body["prediction_id"]
        assert [row.box for row in rows] == [digit["box"] for digit in body["digits"]]
        assert [np.frombuffer(row.features, np.uint8).reshape(8, 8).tolist() for row in rows] == \
            [digit["input"] for digit in body["digits"]]
        assert rows[0].image == NUMBER_PNG.read_bytes()

    def test_each_digit_becomes_an_example_through_review(self, app, client):
        app.config["ADMIN_TOKEN"] = ADMIN_TOKEN
        admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        body = read_number(client)
        response = client.post("/api/feedback", json={"prediction_id": body["prediction_id"], "number": "47"})
        assert response.status_code == 201
        reply = response.get_json()
        assert reply["number"] == "47" and [f["status"] for f in reply["feedback"]] == ["accepted", "pending"]
        pending = client.get("/api/feedback?status=pending", headers=admin).get_json()["feedback"]
        assert [(f["label"], f["predicted"]) for f in pending] == [(7, 2)]
        with app.extensions["database"].Session() as session:
            examples = accepted_examples(session, client_share=1.0)
        assert examples.labels.tolist() == [4]
        assert examples.inputs[0].reshape(8, 8).tolist() == body["digits"][0]["input"]
        client.post("/api/feedback/review", json={"ids": [pending[0]["id"]], "status": "accepted"}, headers=admin)
        with app.extensions["database"].Session() as session:
            assert accepted_examples(session, client_share=1.0).labels.tolist() == [4, 7]

    def test_feedback_with_the_image(self, app, client):
        response = client.post("/api/feedback", json={"image": number_uri(), "number": "42"})
        assert response.status_code == 201
        assert [row.label for row in stored(app, Feedback)] == [4, 2]

    def test_a_number_of_another_length_is_422_and_keeps_nothing(self, app, client):
        prediction_id = read_number(client)["prediction_id"]
        for number in ("4", "421"):
            response = client.post("/api/feedback", json={"prediction_id": prediction_id, "number": number})
            assert response.status_code == 422 and error_of(response) == "number_length_mismatch"
        assert stored(app, Feedback) == []

    def test_second_feedback_is_409(self, client):
        prediction_id = read_number(client)["prediction_id"]
        assert client.post("/api/feedback", json={"prediction_id": prediction_id, "number": "42"}).status_code == 201
        response = client.post("/api/feedback", json={"prediction_id": prediction_id, "number": "42"})
        assert response.status_code == 409 and error_of(response) == "duplicate_feedback"

    @pytest.mark.parametrize("number", ["", "4a", 42, "４２", "1" * 13, None])
    def test_bad_number_is_400(self, client, number):
        prediction_id = read_number(client)["prediction_id"]
        response = client.post("/api/feedback", json={"prediction_id": prediction_id, "number": number})
        assert response.status_code == 400 and error_of(response) == "invalid_number"

    def test_a_single_prediction_is_not_a_number(self, client):
        prediction_id = client.post("/api/predict", json={"image": seven_uri()}).get_json()["prediction_id"]
        response = client.post("/api/feedback", json={"prediction_id": prediction_id, "number": "7"})
        assert response.status_code == 400 and error_of(response) == "not_a_number"
        response = client.post("/api/feedback", json={"prediction_id": 10**9, "number": "7"})
        assert response.status_code == 404 and error_of(response) == "unknown_prediction"

    def test_label_and_number_together_is_400(self, client):
        prediction_id = read_number(client)["prediction_id"]
        response = client.post("/api/feedback", json={"prediction_id": prediction_id, "number": "42", "label": 4})
        assert response.status_code == 400 and error_of(response) == "invalid_body"
