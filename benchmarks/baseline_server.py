"""The design card's original server, re-implemented minimally as the load benchmark's baseline.

Flask's development server; the model unpickled from disk on every request; the seed pipeline
(crop to ink, pad, square, resize to 8x8, rescale 0..16) and k=3 kNN on all of load_digits.
``python -m benchmarks.baseline_server --port 5001 --model /tmp/baseline.pkl``
"""
import argparse
import base64
import io
import pickle

from flask import Flask, request
from PIL import Image
from sklearn.datasets import load_digits
from sklearn.neighbors import KNeighborsClassifier

from benchmarks.original_pipeline import seed_features


def train(path):
    """Fit k=3 kNN on load_digits and pickle it to ``path``."""
    digits = load_digits()
    with open(path, "wb") as handle:
        pickle.dump(KNeighborsClassifier(n_neighbors=3).fit(digits.data, digits.target), handle)


def features_of(uri):
    """Data URI -> 64 features by the seed pipeline (``benchmarks.original_pipeline``)."""
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[-1]))).convert("RGBA")
    return seed_features(image).reshape(1, 64)


def create_app(model_path):
    """The original single-route app."""
    app = Flask(__name__)

    @app.post("/api/predict")
    def predict():
        with open(model_path, "rb") as handle:  # the original read the model on every request
            model = pickle.load(handle)
        return {"digit": int(model.predict(features_of(request.get_json()["image"]))[0])}

    return app


def main():
    """Train the pickle if asked, then run the development server."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5001)
    parser.add_argument("--model", required=True)
    parser.add_argument("--train", action="store_true", help="write the pickle first")
    args = parser.parse_args()
    if args.train:
        train(args.model)
    create_app(args.model).run(host="127.0.0.1", port=args.port, threaded=True)


if __name__ == "__main__":
    main()
