"""POST /api/predict/batch: order, per-slot errors, one model call, and the limits."""
import json
import shutil
import sys
import time

import numpy as np
import pytest
from PIL import Image

from app import create_app
from tests.drawing import ONE, SEVEN, ZERO, data_uri, draw_strokes, png_bytes, raw_uri
from tests.test_api import error_of
from tests.test_preprocessing import png_claiming_size

SEVEN_URI = data_uri(draw_strokes(SEVEN))
ONE_URI = data_uri(draw_strokes(ONE))
ZERO_URI = data_uri(draw_strokes(ZERO))
BLANK_URI = data_uri(Image.new("RGBA", (280, 280), (0, 0, 0, 0)))
BOMB_URI = raw_uri(png_claiming_size(100_000, 100_000))
TRUNCATED_URI = raw_uri(png_bytes(draw_strokes(SEVEN))[:200])


def error_of_slot(slot):
    return slot["error"]["code"] if "error" in slot else None


def batch(client, images):
    return client.post("/api/predict/batch", json={"images": images})


@pytest.fixture
def model_calls(app, monkeypatch):
    """Every call to the served model's ``predict``, as the number of rows it got."""
    model = app.extensions["classifier_repo"].current().model
    calls = []
    original = model.predict

    def spy(features, shapes=None):
        calls.append(len(features))
        return original(features, shapes)

    monkeypatch.setattr(model, "predict", spy)
    return calls


class TestBatch:
    def test_slots_match_single_predictions_in_order(self, client):
        images = [SEVEN_URI, ONE_URI, ZERO_URI, SEVEN_URI]
        response = batch(client, images)
        assert response.status_code == 200
        slots = response.get_json()["predictions"]
        assert len(slots) == len(images)
        for slot, image in zip(slots, images):
            single = client.post("/api/predict", json={"image": image}).get_json()
            assert {key: value for key, value in slot.items() if key != "prediction_id"} == \
                   {key: value for key, value in single.items() if key != "prediction_id"}

    def test_bad_images_fail_only_their_slot(self, client):
        images = [SEVEN_URI, "not base64 !!", BLANK_URI, BOMB_URI, TRUNCATED_URI, 42, None, ONE_URI]
        slots = batch(client, images).get_json()["predictions"]
        codes = [slot["error"]["code"] if "error" in slot else slot["digit"] for slot in slots]
        single_seven = client.post("/api/predict", json={"image": SEVEN_URI}).get_json()["digit"]
        single_one = client.post("/api/predict", json={"image": ONE_URI}).get_json()["digit"]
        assert codes == [single_seven, "invalid_image", "empty_image", "image_too_large", "invalid_image",
                         "invalid_image", "invalid_image", single_one]
        for slot in slots:
            if "error" in slot:
                assert set(slot) == {"error"} and set(slot["error"]) == {"code", "message"}
                assert slot["error"]["message"]

    def test_one_vectorised_model_call(self, client, model_calls):
        batch(client, [SEVEN_URI, "junk!", ONE_URI, ZERO_URI, BLANK_URI])
        assert model_calls == [3]

    def test_no_model_call_when_every_image_is_bad(self, client, model_calls):
        slots = batch(client, ["junk!", BLANK_URI]).get_json()["predictions"]
        assert [slot["error"]["code"] for slot in slots] == ["invalid_image", "empty_image"]
        assert model_calls == []


class TestBatchErrors:
    @pytest.mark.parametrize("body,code", [
        ({}, "missing_images"),
        ({"images": None}, "missing_images"),
        ({"images": []}, "invalid_images"),
        ({"images": SEVEN_URI}, "invalid_images"),
        ({"images": {"0": SEVEN_URI}}, "invalid_images"),
        ({"image": SEVEN_URI}, "missing_images"),
    ])
    def test_images_not_a_non_empty_list_is_400(self, client, body, code):
        response = client.post("/api/predict/batch", json=body)
        assert response.status_code == 400 and error_of(response) == code

    def test_body_not_json_is_415(self, client):
        response = client.post("/api/predict/batch", data="nope", content_type="text/plain")
        assert response.status_code == 415 and error_of(response) == "unsupported_media_type"

    def test_json_not_an_object_is_400(self, client):
        response = client.post("/api/predict/batch", data=json.dumps([SEVEN_URI]), content_type="application/json")
        assert response.status_code == 400 and error_of(response) == "invalid_body"

    def test_over_max_batch_size_is_413_before_decoding(self, settings, model_file, monkeypatch):
        settings.MAX_BATCH_SIZE = 3
        settings.CLASSIFIER_STORAGE.parent.mkdir(parents=True)
        shutil.copy(model_file, settings.CLASSIFIER_STORAGE)
        client = create_app(settings).test_client()
        monkeypatch.setattr(sys.modules["app.api.batch"], "drawing_from_bytes", pytest.fail)  # nothing decoded
        response = batch(client, [SEVEN_URI] * 4)
        assert response.status_code == 413 and error_of(response) == "batch_too_large"
        assert "limit is 3" in response.get_json()["error"]["message"]

    def test_max_batch_size_itself_is_accepted(self, settings, model_file):
        settings.MAX_BATCH_SIZE = 3
        settings.CLASSIFIER_STORAGE.parent.mkdir(parents=True)
        shutil.copy(model_file, settings.CLASSIFIER_STORAGE)
        client = create_app(settings).test_client()
        assert len(batch(client, [ONE_URI] * 3).get_json()["predictions"]) == 3

    def test_body_over_max_content_length_is_413(self, settings, model_file):
        settings.MAX_CONTENT_LENGTH = 20_000
        settings.CLASSIFIER_STORAGE.parent.mkdir(parents=True)
        shutil.copy(model_file, settings.CLASSIFIER_STORAGE)
        response = batch(create_app(settings).test_client(), [SEVEN_URI] * 8)
        assert response.status_code == 413 and error_of(response) == "payload_too_large"

    def test_over_max_batch_pixels_is_413_from_the_headers_before_decoding(self, app, monkeypatch):
        app.config["MAX_BATCH_PIXELS"] = 2 * 280 * 280
        monkeypatch.setattr(sys.modules["app.api.batch"], "drawing_from_bytes", pytest.fail)  # nothing decoded
        response = batch(app.test_client(), [SEVEN_URI, ONE_URI, ZERO_URI])
        assert response.status_code == 413 and error_of(response) == "batch_too_many_pixels"
        assert "235,200 pixels in all; the limit is 156,800" in response.get_json()["error"]["message"]

    def test_a_few_kb_of_one_bit_pngs_declaring_gigapixels_are_413(self, client, monkeypatch):
        """256 bilevel 4096² PNGs: about 2 KB each on the wire, 4.3 billion pixels to decode."""
        huge = Image.new("1", (4096, 4096), 1)
        monkeypatch.setattr(sys.modules["app.api.batch"], "drawing_from_bytes", pytest.fail)
        response = batch(client, [raw_uri(png_bytes(huge))] * 256)
        assert response.status_code == 413 and error_of(response) == "batch_too_many_pixels"

    def test_max_batch_pixels_itself_is_accepted_and_bad_images_do_not_count(self, app):
        app.config["MAX_BATCH_PIXELS"] = 2 * 280 * 280
        response = batch(app.test_client(), [SEVEN_URI, BOMB_URI, "junk!", ONE_URI])
        assert response.status_code == 200
        assert [error_of_slot(slot) for slot in response.get_json()["predictions"]] == [
            None, "image_too_large", "invalid_image", None]

    def test_a_batch_that_would_pass_its_deadline_is_refused_early(self, app, monkeypatch):
        """0.05 s per image and a 0.5 s budget: 40 images would take 2 s, so the batch stops after a few."""
        module = sys.modules["app.api.batch"]
        read, decoded = module.drawing_or_error, []

        def slow(raw, max_side):
            decoded.append(raw)
            time.sleep(0.05)
            return read(raw, max_side)

        monkeypatch.setattr(module, "drawing_or_error", slow)
        app.config["REQUEST_DEADLINE_SECONDS"] = 0.5
        response = batch(app.test_client(), [SEVEN_URI] * 40)
        assert response.status_code == 503 and error_of(response) == "deadline_exceeded"
        assert 1 <= len(decoded) <= 5
        app.config["REQUEST_DEADLINE_SECONDS"] = 5.0
        assert batch(app.test_client(), [SEVEN_URI] * 40).status_code == 200

    def test_no_model_is_503(self, empty_app):
        response = batch(empty_app.test_client(), [SEVEN_URI])
        assert response.status_code == 503 and error_of(response) == "model_unavailable"


def test_images_read_on_several_threads_give_the_replies_read_in_turn(app):
    from app.api import deadline
    from app.api.batch import bytes_or_error, read_images

    files = [bytes_or_error(image) for image in [SEVEN_URI, "not base64 !!", BOMB_URI, ONE_URI, TRUNCATED_URI,
                                                 ZERO_URI] * 3]
    with app.test_request_context():
        deadline.start()
        in_turn, threaded = read_images(files, 4096, threads=1), read_images(files, 4096, threads=3)
    assert len(threaded) == len(files)
    for one, other in zip(in_turn, threaded):
        if isinstance(one, tuple):
            assert np.array_equal(one[0], other[0]) and one[1].extent == other[1].extent
        else:
            assert one == other
