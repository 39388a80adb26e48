"""POST /api/feedback: the right digit for a prediction (or for a new image), kept to learn from."""
from flask import current_app
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from ..errors import ApiError
from ..learning import review
from ..learning.clients import current_client
from ..storage import db
from ..recognition.preprocessing import decode_payload
from ..storage.records import Feedback, Prediction, utcnow
from . import api
from .predict import classify_and_store
from .request_body import image_field, json_body

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


def stored_probabilities(session, prediction_id):
    """The vote shares of stored prediction ``prediction_id``, or None while it is not in the database."""
    return session.scalar(select(Prediction.probabilities).where(Prediction.id == prediction_id))


def probabilities_of(session, prediction_id):
    """The vote shares of prediction ``prediction_id``; a prediction still queued by a writer (here or in
    another process) is waited for; 404 for an id nobody was given."""
    probabilities = stored_probabilities(session, prediction_id)
    if probabilities is None and current_app.extensions["prediction_writer"].written(prediction_id):
        probabilities = stored_probabilities(session, prediction_id)
    if probabilities is None:
        raise unknown_prediction(prediction_id)
    return probabilities


def prediction_of(body):
    """(prediction id, vote shares) of what the feedback is about: the body's ``prediction_id``, or a new
    prediction of its ``image``."""
    if "prediction_id" in body and "image" in body:
        raise ApiError(400, "invalid_body", 'Send either "prediction_id" or "image" with the label, not both.')
    if "prediction_id" in body:
        prediction_id = body["prediction_id"]
        if type(prediction_id) is not int:
            raise ApiError(400, "invalid_prediction_id",
                           'The "prediction_id" field must be the integer id that /api/predict answered.')
        if not 0 < prediction_id <= MAX_ID:
            raise unknown_prediction(prediction_id)
        return prediction_id, probabilities_of(db.session(), prediction_id)
    if "image" not in body:
        raise ApiError(400, "missing_prediction",
                       'Send "prediction_id" (from /api/predict) or "image" (a PNG data URI) with the label.')
    prediction_id, prediction, _, _ = classify_and_store(decode_payload(image_field(body)))
    if prediction_id is None:  # the writer could not hold it: the database is out of reach
        raise ApiError(503, "database_unavailable", "The database cannot be reached right now. Try again shortly.")
    current_app.extensions["prediction_writer"].written(prediction_id)  # the feedback row refers to it
    return prediction_id, prediction.probabilities


@api.post("/feedback")
def feedback():
    """Store the right label for one prediction; a second label for the same prediction is 409.

    A correction of a confident answer waits for an admin's review (``status`` pending); see learning.review.
    """
    body = json_body()
    label = label_field(body)
    session = db.session()
    prediction_id, probabilities = prediction_of(body)
    status = review.status_for(probabilities, label, current_app.config["REVIEW_CONFIDENCE"])
    statement = insert(Feedback).returning(Feedback.id)
    try:
        feedback_id = session.execute(statement, {"prediction_id": prediction_id, "label": label, "status": status,
                                                  "client": current_client(), "created": utcnow()}).scalar_one()
        session.commit()
    except IntegrityError:  # UNIQUE(prediction_id)
        session.rollback()
        raise ApiError(409, "duplicate_feedback",
                       f"Prediction {prediction_id} already has feedback; each prediction takes one label.") from None
    return {"id": feedback_id, "status": status}, 201
