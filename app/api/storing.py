"""Whether an answer is stored: ``?store=false`` asks for an answer with no stored row and no ``prediction_id``.

The page sends its previews while a stroke is drawn that way, and only the answer at the pen's lift stored, so
"Right?" can refer to it. Any endpoint that answers one drawing can offer the same switch:

    store = store_requested()              # before any work: a bad value is 400 invalid_store
    ...classify...
    prediction_id = store_prediction(image, features, prediction, version) if store else None
    return dict(answer, **prediction_id_field(prediction_id), model_version=version)
"""
from flask import current_app, request

from ..errors import ApiError

YES, NO = ("true", "1"), ("false", "0")


def store_requested():
    """The ``store`` query argument: true when absent; "false" or "0" answers without storing."""
    value = request.args.get("store", "true").lower()
    if value not in YES + NO:
        raise ApiError(400, "invalid_store", '"store" must be true or false (false: answer without storing).')
    return value in YES


def store_prediction(image, features, prediction, version):
    """Queue the answered drawing's row -> its prediction id (None when the writer cannot hold it: not stored)."""
    return current_app.extensions["prediction_writer"].submit(image, features, prediction, version)


def prediction_id_field(prediction_id):
    """The reply's ``prediction_id`` field, or nothing for an answer that is not stored."""
    return {} if prediction_id is None else {"prediction_id": prediction_id}
