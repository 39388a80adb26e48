"""The load benchmark's floor: the work every implementation pays before it can recognise anything.

A Flask app that reads the JSON body, base64-decodes each image and decodes its PNG pixels, and does
nothing else, served by gunicorn with the same options as ``manage.py serve`` (WORKERS x THREADS).
``python -m benchmarks.floor_server --port 5101``
"""
import argparse
import base64
import io

from flask import Flask, request
from PIL import Image

from app.serve import DigitsServer, gunicorn_options
from settings import Settings


def decoded_size(uri):
    """Data URI -> (width, height) after decoding every pixel."""
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[-1])))
    image.load()
    return image.size


def create_app():
    """The floor's two routes, shaped like ours."""
    app = Flask(__name__)

    @app.post("/api/predict")
    def predict():
        width, height = decoded_size(request.get_json()["image"])
        return {"width": width, "height": height}

    @app.post("/api/predict/batch")
    def predict_batch():
        return {"predictions": [dict(zip(("width", "height"), decoded_size(uri)))
                                for uri in request.get_json()["images"]]}

    @app.get("/api/ready")
    def ready():
        return {"status": "ready"}

    return app


class FloorServer(DigitsServer):
    """Gunicorn with our serving options; no database, model or queued predictions in a worker."""

    def load_config(self):
        super().load_config()
        self.cfg.set("post_fork", lambda _server, _worker: None)
        self.cfg.set("worker_exit", lambda _server, _worker: None)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5101)
    args = parser.parse_args()
    FloorServer(create_app(), gunicorn_options(Settings, args.host, args.port)).run()


if __name__ == "__main__":
    main()
