"""POST /api/feedback and the prediction rows behind it, on SQLite and PostgreSQL."""
import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app.storage.records import Feedback, Prediction
from tests.db_fixtures import ADMIN, BOTH_DATABASES
from tests.drawing import ONE, data_uri, draw_strokes, png_bytes
from tests.test_api import error_of, seven_uri

SEVEN_BYTES = Path("tests/data/seven.png").read_bytes()


def predict(client, uri=None):
    response = client.post("/api/predict", json={"image": uri or seven_uri()})
    assert response.status_code == 200
    return response.get_json()


def rows(app, model):
    with app.extensions["database"].Session() as session:
        return session.scalars(select(model).order_by(model.id)).all()


@BOTH_DATABASES
class TestPredictionsAreStored:
    def test_reply_has_id_and_version_and_the_row_has_everything(self, quick_app, quick_client):
        body = predict(quick_client)
        assert body["model_version"] == 1 and isinstance(body["prediction_id"], int)
        [row] = rows(quick_app, Prediction)
        assert row.id == body["prediction_id"] and row.digit == body["digit"] == 7 and row.model_version == 1
        assert row.image == SEVEN_BYTES
        assert np.frombuffer(row.features, np.uint8).reshape(8, 8).tolist() == body["input"]
        assert row.probabilities == body["probabilities"]

    def test_ids_are_new_each_time(self, quick_client):
        assert len({predict(quick_client)["prediction_id"] for _ in range(3)}) == 3

    def test_plain_text_reply_is_stored_too(self, quick_app, quick_client):
        response = quick_client.post("/api/predict", json={"image": seven_uri()}, headers={"Accept": "text/plain"})
        assert response.get_data(as_text=True) == "7"
        assert [row.digit for row in rows(quick_app, Prediction)] == [7]

    def test_multipart_upload_stores_the_file(self, quick_app, quick_client):
        with open("tests/data/seven.png", "rb") as handle:
            assert quick_client.post("/api/predict", data={"image": (handle, "seven.png")}).status_code == 200
        assert rows(quick_app, Prediction)[0].image == SEVEN_BYTES

    @pytest.mark.parametrize("store", ["false", "0", "False"])
    def test_store_false_answers_without_a_row_or_an_id(self, quick_app, quick_client, store):
        response = quick_client.post(f"/api/predict?store={store}", json={"image": seven_uri()})
        assert response.status_code == 200
        body = response.get_json()
        assert body["digit"] == 7 and body["model_version"] == 1 and "prediction_id" not in body
        with open("tests/data/seven.png", "rb") as handle:
            upload = quick_client.post(f"/api/predict?store={store}", data={"image": (handle, "seven.png")})
        assert upload.status_code == 200 and "prediction_id" not in upload.get_json()
        assert rows(quick_app, Prediction) == []

    def test_store_true_is_the_default(self, quick_app, quick_client):
        body = quick_client.post("/api/predict?store=true", json={"image": seven_uri()}).get_json()
        assert [row.id for row in rows(quick_app, Prediction)] == [body["prediction_id"]]

    @pytest.mark.parametrize("store", ["no", "", "2", "yes please"])
    def test_any_other_store_value_is_400_before_any_work(self, quick_app, quick_client, store):
        response = quick_client.post("/api/predict", query_string={"store": store}, json={"image": seven_uri()})
        assert response.status_code == 400 and error_of(response) == "invalid_store"
        assert rows(quick_app, Prediction) == []

    def test_failed_predictions_are_not_stored(self, quick_app, quick_client):
        blank = data_uri(Image.new("RGBA", (50, 50), (0, 0, 0, 0)))
        assert quick_client.post("/api/predict", json={"image": blank}).status_code == 422
        assert rows(quick_app, Prediction) == []


class TestFeedback:
    @BOTH_DATABASES
    def test_feedback_on_a_prediction(self, quick_app, quick_client):
        prediction = predict(quick_client)
        response = quick_client.post("/api/feedback", json={"prediction_id": prediction["prediction_id"], "label": 1})
        assert response.status_code == 201
        [row] = rows(quick_app, Feedback)
        assert response.get_json() == {"id": row.id, "status": "pending"}  # corrects a confident answer
        assert (row.prediction_id, row.label) == (prediction["prediction_id"], 1)

    @BOTH_DATABASES
    def test_feedback_with_an_image_stores_a_prediction_too(self, quick_app, quick_client):
        response = quick_client.post("/api/feedback", json={"image": data_uri(draw_strokes(ONE)), "label": 1})
        assert response.status_code == 201
        [prediction] = rows(quick_app, Prediction)
        [feedback] = rows(quick_app, Feedback)
        assert feedback.prediction_id == prediction.id and feedback.label == 1
        assert prediction.digit == 1 and prediction.model_version == 1
        assert prediction.image == png_bytes(draw_strokes(ONE))

    @pytest.mark.parametrize("label", [None, -1, 10, 3.0, "3", True, False, [3]])
    def test_bad_label_is_400(self, quick_app, quick_client, label):
        prediction_id = predict(quick_client)["prediction_id"]
        body = {"prediction_id": prediction_id} if label is None else {"prediction_id": prediction_id, "label": label}
        response = quick_client.post("/api/feedback", json=body)
        assert response.status_code == 400 and error_of(response) == "invalid_label"
        assert rows(quick_app, Feedback) == []

    @BOTH_DATABASES
    @pytest.mark.parametrize("prediction_id", [999, 0, -5, 2**63, 10**30])
    def test_unknown_prediction_is_404(self, quick_client, prediction_id):
        response = quick_client.post("/api/feedback", json={"prediction_id": prediction_id, "label": 3})
        assert response.status_code == 404 and error_of(response) == "unknown_prediction"

    @pytest.mark.parametrize("prediction_id", ["1", 1.0, True, None, {"id": 1}])
    def test_prediction_id_that_is_not_an_int_is_400(self, quick_client, prediction_id):
        response = quick_client.post("/api/feedback", json={"prediction_id": prediction_id, "label": 3})
        assert response.status_code == 400 and error_of(response) == "invalid_prediction_id"

    @BOTH_DATABASES
    def test_second_feedback_for_a_prediction_is_409(self, quick_app, quick_client):
        prediction_id = predict(quick_client)["prediction_id"]
        assert quick_client.post("/api/feedback", json={"prediction_id": prediction_id, "label": 7}).status_code == 201
        response = quick_client.post("/api/feedback", json={"prediction_id": prediction_id, "label": 1})
        assert response.status_code == 409 and error_of(response) == "duplicate_feedback"
        assert [row.label for row in rows(quick_app, Feedback)] == [7]

    @pytest.mark.parametrize("body,status,code", [
        ({"label": 3}, 400, "missing_prediction"),
        ({"prediction_id": 1, "image": "x", "label": 3}, 400, "invalid_body"),
        ({"image": 5, "label": 3}, 400, "invalid_image"),
        ({"image": "not base64!", "label": 3}, 400, "invalid_image"),
        ({"image": data_uri(Image.new("RGBA", (80, 80), (0, 0, 0, 0))), "label": 3}, 422, "empty_image"),
    ], ids=["nothing", "both", "image-not-string", "image-not-base64", "empty-image"])
    def test_bad_bodies(self, quick_app, quick_client, body, status, code):
        response = quick_client.post("/api/feedback", json=body)
        assert response.status_code == status and error_of(response) == code
        assert rows(quick_app, Prediction) == [] and rows(quick_app, Feedback) == []

    def test_body_not_json_is_415(self, quick_client):
        response = quick_client.post("/api/feedback", data="label=3", content_type="text/plain")
        assert response.status_code == 415 and error_of(response) == "unsupported_media_type"

    @pytest.mark.parametrize("limit", ["²", "١٢", "+5", " 5", "1e2", "99999999999999999999"])
    def test_listing_limit_that_is_not_ascii_digits_is_400(self, quick_client, limit):
        """str.isdigit() takes "²" and Arabic-Indic digits; the listing's limit must not (int() refuses "²")."""
        response = quick_client.get("/api/feedback", query_string={"limit": limit}, headers=ADMIN)
        assert response.status_code == 400 and error_of(response) == "invalid_limit"

    def test_image_feedback_without_a_model_is_503(self, empty_app):
        response = empty_app.test_client().post("/api/feedback", json={"image": seven_uri(), "label": 7})
        assert response.status_code == 503 and error_of(response) == "model_unavailable"


@pytest.fixture
def server(quick_app):
    """The app behind a real threaded HTTP server on a free loopback port."""
    http = make_server("127.0.0.1", 0, quick_app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join()


def post(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def stored_predictions(app, count):
    """``count`` predictions stored directly (the endpoint's own cost is not what these tests measure)."""
    model = app.extensions["classifier_repo"].current().model
    features = np.full((8, 8), 8, np.uint8)
    prediction = model.predict_one(features)
    return [app.extensions["prediction_writer"].submit(b"png", features, prediction, 1) for _ in range(count)]


@BOTH_DATABASES
class TestConcurrency:
    def test_200_concurrent_feedback_requests_are_all_stored(self, quick_app, server):
        quick_app.config["FEEDBACK_RATE_LIMIT"] = ""  # one client address: the limit is test_limits.py's
        ids = stored_predictions(quick_app, 200)
        with ThreadPoolExecutor(max_workers=16) as pool:
            replies = list(pool.map(
                lambda i: post(f"{server}/api/feedback", {"prediction_id": i, "label": i % 10}), ids))
        assert [status for status, _ in replies] == [201] * 200
        stored = rows(quick_app, Feedback)
        assert sorted(row.id for row in stored) == sorted(body["id"] for _, body in replies)
        assert {(row.prediction_id, row.label) for row in stored} == {(i, i % 10) for i in ids}

    def test_concurrent_duplicates_give_one_201_and_the_rest_409(self, quick_app, server):
        [prediction_id] = stored_predictions(quick_app, 1)
        with ThreadPoolExecutor(max_workers=12) as pool:
            replies = list(pool.map(lambda label: post(f"{server}/api/feedback",
                                                       {"prediction_id": prediction_id, "label": label}), range(10)))
        statuses = sorted(status for status, _ in replies)
        assert statuses == [201] + [409] * 9
        assert all(body["error"]["code"] == "duplicate_feedback" for status, body in replies if status == 409)
        with quick_app.extensions["database"].Session() as session:
            assert session.scalar(select(func.count()).select_from(Feedback)) == 1

