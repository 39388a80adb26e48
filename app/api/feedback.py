"""POST /api/feedback: the right digit for a prediction (or for a new image), kept to learn from."""
from flask import current_app
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from ..errors import ApiError
from ..learning import review
from ..learning.clients import current_client
from ..storage import db
from ..recognition.preprocessing import decode_payload
from ..recognition.segmentation import MAX_DIGITS
from ..storage.records import Feedback, Prediction, utcnow
from . import api
from .number import read_and_store
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


def feedback_target(body):
    """The stored prediction id the feedback names (its ``prediction_id``), or None when it sends an ``image``."""
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
    return None


def prediction_of(body):
    """(prediction id, vote shares) of what the feedback is about: the body's ``prediction_id``, or a new
    prediction of its ``image``."""
    prediction_id = feedback_target(body)
    if prediction_id is not None:
        return prediction_id, probabilities_of(db.session(), prediction_id)
    prediction_id, prediction, _, _ = classify_and_store(decode_payload(image_field(body)))
    if prediction_id is None:  # the writer could not hold it: the database is out of reach
        raise ApiError(503, "database_unavailable", "The database cannot be reached right now. Try again shortly.")
    current_app.extensions["prediction_writer"].written(prediction_id)  # the feedback row refers to it
    return prediction_id, prediction.probabilities


def insert_feedback(session, rows):
    """INSERT feedback rows (dicts) in one transaction -> their ids, in order; 409 when a prediction has some."""
    rows = [dict(row, client=current_client(), created=utcnow()) for row in rows]
    try:
        ids = session.scalars(insert(Feedback).returning(Feedback.id, sort_by_parameter_order=True), rows).all()
        session.commit()
    except IntegrityError:  # UNIQUE(prediction_id)
        session.rollback()
        which = ", ".join(str(row["prediction_id"]) for row in rows)
        raise ApiError(409, "duplicate_feedback",
                       f"Prediction {which} already has feedback; each prediction takes one label.") from None
    return ids


@api.post("/feedback")
def feedback():
    """Store the right label for one prediction (or the right number for a number's digits, see
    ``number_feedback``); a second label for the same prediction is 409.

    A correction of a confident answer waits for an admin's review (``status`` pending); see learning.review.
    """
    body = json_body()
    if "number" in body:
        return number_feedback(body)
    label = label_field(body)
    prediction_id, probabilities = prediction_of(body)
    status = review.status_for(probabilities, label, current_app.config["REVIEW_CONFIDENCE"])
    [feedback_id] = insert_feedback(db.session(), [{"prediction_id": prediction_id, "label": label, "status": status}])
    return {"id": feedback_id, "status": status}, 201


def number_field(body):
    """The ``number`` of the body as a list of digits: a string of 1 to MAX_DIGITS digits 0-9."""
    number = body.get("number")
    if not isinstance(number, str) or not number.isascii() or not number.isdigit() or len(number) > MAX_DIGITS:
        raise ApiError(400, "invalid_number",
                       f'The "number" field must be a string of 1 to {MAX_DIGITS} digits 0-9: the number drawn.')
    return [int(digit) for digit in number]


def stored_digits(session, number_id):
    """[(prediction id, vote shares)] of the digits of stored number ``number_id``, left to right."""
    return session.execute(select(Prediction.id, Prediction.probabilities)
                           .where(Prediction.number_id == number_id).order_by(Prediction.id)).all()


def digits_of(session, number_id):
    """``stored_digits`` of a number /api/predict/number answered, waiting for a queued one (a number's rows are
    written together); 404 for an id nobody was given, 400 for a prediction that was not a number's."""
    digits = stored_digits(session, number_id)
    if not digits and current_app.extensions["prediction_writer"].written(number_id):
        digits = stored_digits(session, number_id)
        if not digits:
            raise ApiError(400, "not_a_number",
                           f"Prediction {number_id} is not a number /api/predict/number read. "
                           'Send "label" for it, or the prediction_id /api/predict/number answered.')
    if not digits:
        raise unknown_prediction(number_id)
    return digits


def number_digits_of(body):
    """[(prediction id, vote shares)] of the digits the number feedback is about: the body's ``prediction_id``
    (from /api/predict/number), or a new reading of its ``image``."""
    number_id = feedback_target(body)
    if number_id is not None:
        return digits_of(db.session(), number_id)
    number_id, _, _ = read_and_store(decode_payload(image_field(body)))
    return digits_of(db.session(), number_id)  # waits for the rows: the feedback rows refer to them


def number_feedback(body):
    """The right number for a number's digits: one feedback row per digit, each reviewed as a single digit's.

    Only when as many digits were read as the number has: otherwise which box holds which digit is unknown.
    """
    if "label" in body:
        raise ApiError(400, "invalid_body", 'Send either "label" (one digit) or "number" (a number), not both.')
    labels = number_field(body)
    digits = number_digits_of(body)
    if len(digits) != len(labels):
        raise ApiError(422, "number_length_mismatch",
                       f"The number has {len(labels)} digits but {len(digits)} were read in the drawing, so which "
                       "box holds which digit is unknown and nothing is kept. Draw it again with the digits apart.")
    confidence = current_app.config["REVIEW_CONFIDENCE"]
    rows = [{"prediction_id": prediction_id, "label": label,
             "status": review.status_for(probabilities, label, confidence)}
            for (prediction_id, probabilities), label in zip(digits, labels)]
    ids = insert_feedback(db.session(), rows)
    return {"number": body["number"],
            "feedback": [{"id": feedback_id, "status": row["status"]} for feedback_id, row in zip(ids, rows)]}, 201
