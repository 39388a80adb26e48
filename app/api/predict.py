"""POST /api/predict: an image in, the digit out."""
from flask import current_app, request

from ..recognition.preprocessing import decode_payload, drawing_from_bytes
from ..errors import ApiError
from . import api
from .request_body import image_field, json_body
from .serialize import prediction_json
from .storing import prediction_id_field, store_prediction, store_requested


def request_image():
    """The bytes of the request's image file: a multipart file ``image`` or a JSON field."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("image")
        if upload is None:
            raise ApiError(400, "missing_image", 'Send the file in a form field named "image".')
        return upload.read()
    return decode_payload(image_field(json_body()))


def wants_text():
    """True when the client prefers text/plain (the original design's clients)."""
    best = request.accept_mimetypes.best_match(["application/json", "text/plain"])
    return best == "text/plain"


def classify(image, store=True):
    """Image bytes -> (prediction_id or None, prediction, features, model version); with ``store``, queued to be
    stored."""
    features, shape = drawing_from_bytes(image, current_app.config["MAX_IMAGE_SIDE"])
    active = current_app.extensions["classifier_repo"].current()
    prediction = active.model.predict_one(features, shape)
    prediction_id = store_prediction(image, features, prediction, active.version) if store else None
    return prediction_id, prediction, features, active.version


def classify_and_store(image):
    """Image bytes -> (prediction_id, prediction, features, model version), queued to be stored."""
    return classify(image, store=True)


@api.post("/predict")
def predict():
    """Classify one drawing and store it, so feedback can refer to it (``?store=false``: answer only)."""
    store = store_requested()
    prediction_id, prediction, features, version = classify(request_image(), store)
    if wants_text():
        return str(prediction.digit), 200, {"Content-Type": "text/plain; charset=utf-8"}
    return dict(prediction_json(prediction, features), **prediction_id_field(prediction_id), model_version=version)
