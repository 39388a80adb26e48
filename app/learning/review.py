"""Which feedback waits for an admin, and the admin's decisions.

A correction that contradicts a confident answer (the model gave its digit at least REVIEW_CONFIDENCE of
the vote) or names a digit that got no vote at all is held as ``pending``: a person or a script may be
wrong on purpose, and only an admin can tell. Everything else, confirmations and corrections of answers
the model was unsure about, is ``accepted`` at once. Training uses accepted feedback only.
"""
import numpy as np
from sqlalchemy import func, select, update

from ..exceptions import UnknownFeedbackError
from ..storage.records import REVIEW_STATUSES, Feedback, Prediction, utcnow

DECISIONS = ("accepted", "rejected")


def status_for(probabilities, label, confidence):
    """``pending`` or ``accepted`` for a feedback ``label`` on an answer with these vote shares."""
    probabilities = np.asarray(probabilities, dtype=float)
    answer = int(probabilities.argmax())
    if label == answer:
        return "accepted"
    if probabilities[answer] >= confidence or probabilities[label] <= 0.0:
        return "pending"
    return "accepted"


def counts(session):
    """Number of feedback rows in each review status."""
    found = dict(session.execute(select(Feedback.status, func.count()).group_by(Feedback.status)).all())
    return {status: found.get(status, 0) for status in REVIEW_STATUSES}


def listing(session, status, limit):
    """Feedback rows in ``status`` (None: any), newest first, with what the model had answered."""
    query = (select(Feedback.id, Feedback.prediction_id, Feedback.label, Feedback.status, Feedback.client,
                    Feedback.created, Feedback.reviewed, Prediction.digit, Prediction.probabilities,
                    Prediction.features)
             .join(Prediction, Feedback.prediction_id == Prediction.id).order_by(Feedback.id.desc()).limit(limit))
    if status is not None:
        query = query.where(Feedback.status == status)
    return session.execute(query).all()


def decide(session, ids, status):
    """Set the review ``status`` of the feedback ``ids`` (all or none: an unknown id is
    ``UnknownFeedbackError``) -> how many."""
    ids = sorted(set(ids))
    known = set(session.scalars(select(Feedback.id).where(Feedback.id.in_(ids))))
    unknown = [i for i in ids if i not in known]
    if unknown:
        shown = ", ".join(map(str, unknown[:10])) + (" ..." if len(unknown) > 10 else "")
        raise UnknownFeedbackError(f"There is no feedback {shown}. GET /api/feedback lists them.")
    session.execute(update(Feedback).where(Feedback.id.in_(ids)).values(status=status, reviewed=utcnow()))
    session.commit()
    return len(ids)
