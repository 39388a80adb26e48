"""POST /api/predict/number: a drawing of a number in, its digits out, left to right."""
from flask import current_app

from ..recognition.preprocessing import open_image
from ..recognition.segmentation import NumberReader
from . import api
from .predict import request_image, wants_text
from .serialize import prediction_json
from .storing import prediction_id_field, store_requested


def read_and_store(image, store=True):
    """Image bytes -> (the number's prediction id, its ``segmentation.Digit`` list, model version), the digits'
    rows queued to be stored (the id None when ``store`` is false or the writer cannot hold them)."""
    rgba = open_image(image, current_app.config["MAX_IMAGE_SIDE"])
    active = current_app.extensions["classifier_repo"].current()
    digits = NumberReader(active.model).read(rgba)
    ids = current_app.extensions["prediction_writer"].submit_number(image, digits, active.version) if store else None
    return ids and ids[0], digits, active.version


def digit_json(digit):
    """One digit of the reply: the /api/predict answer for it, and its box in the upload's pixels."""
    return dict(prediction_json(digit.prediction, digit.features), box=list(digit.box))


@api.post("/predict/number")
def predict_number():
    """Read every digit of one drawing and store them (unless ``?store=false``), so feedback can give the right
    number."""
    store = store_requested()
    prediction_id, digits, version = read_and_store(request_image(), store)
    number = "".join(str(digit.prediction.digit) for digit in digits)
    if wants_text():
        return number, 200, {"Content-Type": "text/plain; charset=utf-8"}
    return {"number": number, "digits": [digit_json(digit) for digit in digits],
            "uncertain": any(digit.prediction.uncertain for digit in digits),
            **prediction_id_field(prediction_id), "model_version": version}
