"""The HTTP API: replies, reply forms, and every error status."""

import pytest
from PIL import Image

from tests.drawing import ONE, SEVEN, data_uri, draw_strokes, png_bytes, raw_uri
from tests.test_preprocessing import png_claiming_size

SEVEN_PNG = "tests/data/seven.png"


def seven_uri():
    with open(SEVEN_PNG, "rb") as handle:
        return raw_uri(handle.read())


def error_of(response):
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["message"]
    return body["error"]["code"]


class TestPredict:
    def test_data_uri(self, client):
        response = client.post("/api/predict", json={"image": seven_uri()})
        assert response.status_code == 200
        body = response.get_json()
        assert body["digit"] == 7
        assert len(body["probabilities"]) == 10
        assert sum(body["probabilities"]) == pytest.approx(1.0)
        assert body["probabilities"][7] == max(body["probabilities"])
        assert len(body["input"]) == 8 and all(len(row) == 8 for row in body["input"])
        assert all(isinstance(v, int) and 0 <= v <= 16 for row in body["input"] for v in row)

    def test_raw_base64(self, client):
        raw = seven_uri().split(",", 1)[1]
        assert client.post("/api/predict", json={"image": raw}).get_json()["digit"] == 7

    def test_plain_text_reply(self, client):
        response = client.post("/api/predict", json={"image": seven_uri()}, headers={"Accept": "text/plain"})
        assert response.status_code == 200
        assert response.mimetype == "text/plain"
        assert response.get_data(as_text=True) == "7"

    def test_json_without_content_type_header(self, client):
        """curl -d without -H sends a form content type; the JSON body is still read."""
        import json

        response = client.post("/api/predict", data=json.dumps({"image": seven_uri()}),
                               content_type="application/x-www-form-urlencoded")
        assert response.get_json()["digit"] == 7

    def test_multipart_upload(self, client):
        with open(SEVEN_PNG, "rb") as handle:
            response = client.post("/api/predict", data={"image": (handle, "seven.png")})
        assert response.get_json()["digit"] == 7

    def test_other_formats(self, client):
        jpeg = png_bytes(draw_strokes(ONE, background=(255, 255, 255)).convert("RGB"), "JPEG")
        uri = raw_uri(jpeg, "image/jpeg")
        assert client.post("/api/predict", json={"image": uri}).get_json()["digit"] == 1


class TestPredictErrors:
    @pytest.mark.parametrize("body,code", [
        ({}, "missing_image"),
        ({"image": None}, "missing_image"),
        ({"image": 7}, "invalid_image"),
        ({"image": ["a"]}, "invalid_image"),
        ({"image": "not base64 at all!"}, "invalid_image"),
        ({"image": raw_uri(b"hello world")}, "invalid_image"),
    ])
    def test_bad_image_field_is_400(self, client, body, code):
        response = client.post("/api/predict", json=body)
        assert response.status_code == 400
        assert error_of(response) == code

    def test_json_that_is_not_an_object_is_400(self, client):
        response = client.post("/api/predict", json=["data:image/png;base64,"])
        assert response.status_code == 400 and error_of(response) == "invalid_body"

    @pytest.mark.parametrize("body", ["not json", "{\"image\": ", ""])
    def test_body_not_json_is_415(self, client, body):
        response = client.post("/api/predict", data=body, content_type="text/plain")
        assert response.status_code == 415
        assert error_of(response) == "unsupported_media_type"

    def test_body_over_limit_is_413(self, settings, model_file):
        import shutil

        from app import create_app

        settings.MAX_CONTENT_LENGTH = 1000
        settings.CLASSIFIER_STORAGE.parent.mkdir(parents=True)
        shutil.copy(model_file, settings.CLASSIFIER_STORAGE)
        client = create_app(settings).test_client()
        response = client.post("/api/predict", json={"image": seven_uri()})
        assert response.status_code == 413 and error_of(response) == "payload_too_large"

    def test_image_dimensions_over_limit_are_413(self, client):
        uri = raw_uri(png_claiming_size(5000, 10))
        response = client.post("/api/predict", json={"image": uri})
        assert response.status_code == 413 and error_of(response) == "image_too_large"

    def test_decompression_bomb_is_413(self, client):
        uri = raw_uri(png_claiming_size(100_000, 100_000))
        response = client.post("/api/predict", json={"image": uri})
        assert response.status_code == 413

    @pytest.mark.parametrize("image", [
        Image.new("RGBA", (280, 280), (0, 0, 0, 0)),
        Image.new("RGBA", (280, 280), (255, 255, 255, 255)),
        Image.new("RGBA", (1, 1), (0, 0, 0, 255)),
    ], ids=["transparent", "white", "one-pixel"])
    def test_nothing_drawn_is_422(self, client, image):
        response = client.post("/api/predict", json={"image": data_uri(image)})
        assert response.status_code == 422 and error_of(response) == "empty_image"

    def test_truncated_png_is_400(self, client):
        raw = png_bytes(draw_strokes(SEVEN))
        uri = raw_uri(raw[:200])
        response = client.post("/api/predict", json={"image": uri})
        assert response.status_code == 400 and error_of(response) == "invalid_image"

    def test_no_model_is_503_with_hint(self, empty_app):
        response = empty_app.test_client().post("/api/predict", json={"image": seven_uri()})
        assert response.status_code == 503
        assert error_of(response) == "model_unavailable"
        assert "manage.py train" in response.get_json()["error"]["message"]

    def test_wrong_method_is_405_json(self, client):
        response = client.get("/api/predict")
        assert response.status_code == 405 and error_of(response) == "method_not_allowed"


class TestOtherRoutes:
    def test_unknown_api_path_is_json_404(self, client):
        response = client.get("/api/nothing/here")
        assert response.status_code == 404 and error_of(response) == "not_found"

    def test_health_reports_model_metadata(self, client):
        body = client.get("/api/health").get_json()
        assert body["status"] == "ok"
        assert body["model"]["cv_accuracy"] > 0.9

    def test_health_without_model(self, empty_app):
        body = empty_app.test_client().get("/api/health").get_json()
        assert body == {"status": "ok", "model": None}

    def test_ready_with_model(self, client):
        assert client.get("/api/ready").get_json() == {"status": "ready"}

    def test_not_ready_without_model(self, empty_app):
        assert empty_app.test_client().get("/api/ready").status_code == 503


class TestFrontendServing:
    @pytest.fixture
    def built(self, settings, tmp_path):
        dist = tmp_path / "dist"
        (dist / "assets").mkdir(parents=True)
        (dist / "index.html").write_text("<div id=root></div>")
        (dist / "assets" / "app.js").write_text("console.log(1)")
        settings.FRONTEND_DIST = dist
        from app import create_app

        return create_app(settings).test_client()

    @pytest.mark.parametrize("path", ["/", "/stats", "/models/3"])
    def test_spa_routes_get_index(self, built, path):
        with built.get(path) as response:
            assert response.status_code == 200 and b"root" in response.data

    @pytest.mark.parametrize("path", ["/../index.html", "/assets/../../index.html", "/%2e%2e/index.html"])
    def test_paths_outside_dist_get_index(self, built, tmp_path, path):
        (tmp_path / "index.html").write_text("outside")  # beside dist/, as frontend/index.html is
        with built.get(path) as response:
            assert response.status_code == 200 and b"root" in response.data

    def test_static_asset(self, built):
        with built.get("/assets/app.js") as response:
            assert response.data == b"console.log(1)"

    def test_api_paths_stay_json(self, built):
        assert built.get("/api/unknown").get_json()["error"]["code"] == "not_found"

    def test_not_built_says_how_to_build(self, settings, tmp_path):
        settings.FRONTEND_DIST = tmp_path / "missing"
        from app import create_app

        response = create_app(settings).test_client().get("/")
        assert response.status_code == 503 and b"make run" in response.data
