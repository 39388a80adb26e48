"""POST /api/feedback: the right digit for a prediction (or for a new image), kept to learn from."""
from flask import current_app
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from ..storage import db
from ..errors import ApiError
from ..recognition.preprocessing import decode_payload
from ..storage.records import Feedback, Prediction, utcnow
from . import api
from .predict import classify_and_store
from .requests import image_field, json_body

MAX_ID = 2**63 - 1  # larger ids cannot be stored, so they are unknown without asking the database


def label_field(body):
    """The ``label`` of the body: an integer 0..9 (true/false are not integers here)."""
    label = body.get("label")
    if type(label) is not int or not 0 <= label <= 9:
        raise ApiError(400, "invalid_label", 'The "label" field must be an integer from 0 to 9: the digit drawn.')
    return label


def unknown_prediction(prediction_id):
    """The 404 for a prediction id that was never given out."""
    return ApiError(404, "unknown_prediction",
                    f"There is no prediction {prediction_id}. Use the prediction_id /api/predict answered, "
                    'or send the drawing itself as "image".')


def prediction_id_of(body):
    """The prediction the feedback is about: the body's ``prediction_id``, or a new one for its ``image``."""
    if "prediction_id" in body and "image" in body:
        raise ApiError(400, "invalid_body", 'Send either "prediction_id" or "image" with the label, not both.')
    if "prediction_id" in body:
        prediction_id = body["prediction_id"]
        if type(prediction_id) is not int:
            raise ApiError(400, "invalid_prediction_id",
                           'The "prediction_id" field must be the integer id that /api/predict answered.')
        if not 0 < prediction_id <= MAX_ID:
            raise unknown_prediction(prediction_id)
        return prediction_id
    if "image" not in body:
        raise ApiError(400, "missing_prediction",
                       'Send "prediction_id" (from /api/predict) or "image" (a PNG data URI) with the label.')
    return classify_and_store(decode_payload(image_field(body)))[0]


def store_feedback(session, prediction_id, label):
    """INSERT the feedback -> its id, or None while prediction ``prediction_id`` is not in the database."""
    statement = insert(Feedback).returning(Feedback.id)
    try:
        feedback_id = session.execute(statement, {"prediction_id": prediction_id, "label": label,
                                                  "created": utcnow()}).scalar_one()
        session.commit()
        return feedback_id
    except IntegrityError:  # the foreign key (no such prediction) or UNIQUE(prediction_id): find out which
        session.rollback()
        if session.scalar(select(Prediction.id).where(Prediction.id == prediction_id)) is None:
            return None
        raise ApiError(409, "duplicate_feedback",
                       f"Prediction {prediction_id} already has feedback; each prediction takes one label.") from None


@api.post("/feedback")
def feedback():
    """Store the right label for one prediction; a second label for the same prediction is 409."""
    body = json_body()
    label = label_field(body)
    session = db.session()
    prediction_id = prediction_id_of(body)
    feedback_id = store_feedback(session, prediction_id, label)
    if feedback_id is None and current_app.extensions["prediction_writer"].written(prediction_id):
        feedback_id = store_feedback(session, prediction_id, label)  # the prediction was still queued
    if feedback_id is None:
        raise unknown_prediction(prediction_id)
    return {"id": feedback_id}, 201
