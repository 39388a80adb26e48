"""POST /api/predict: an image in, the digit out."""
from flask import current_app, request

from ..preprocessing import features_from_bytes, features_from_payload
from ..errors import ApiError
from . import api
from .requests import image_field, json_body
from .serialize import prediction_json


def request_features():
    """The 8x8 features of the request's image: a multipart file ``image`` or a JSON field."""
    max_side = current_app.config["MAX_IMAGE_SIDE"]
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("image")
        if upload is None:
            raise ApiError(400, "missing_image", 'Send the file in a form field named "image".')
        return features_from_bytes(upload.read(), max_side)
    return features_from_payload(image_field(json_body()), max_side)


def wants_text():
    """True when the client prefers text/plain (the original design's clients)."""
    best = request.accept_mimetypes.best_match(["application/json", "text/plain"])
    return best == "text/plain"


@api.post("/predict")
def predict():
    """Classify one drawing."""
    features = request_features()
    model = current_app.extensions["classifier_repo"].get()
    prediction = model.predict_one(features)
    if wants_text():
        return str(prediction.digit), 200, {"Content-Type": "text/plain; charset=utf-8"}
    return prediction_json(prediction, features)
