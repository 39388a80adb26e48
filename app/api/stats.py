"""GET /api/stats: how often the model is right, from people's feedback (SQL aggregates only)."""
from datetime import timedelta

from sqlalchemy import case, func, select

from ..storage import db
from ..recognition.model import N_CLASSES
from ..storage.records import Feedback, Prediction, utcnow
from . import api

DAILY_DAYS = 30  # the daily counts cover the last 30 days (UTC), days without activity left out
COUNTED = Feedback.status != "rejected"  # feedback an admin rejected says nothing about the model


def ratio(correct, count):
    """correct / count rounded, or None when there is nothing to count."""
    return round(correct / count, 4) if count else None


def confusion_matrix(session):
    """10x10 counts: rows the true label (feedback), columns the predicted digit."""
    matrix = [[0] * N_CLASSES for _ in range(N_CLASSES)]
    cells = session.execute(select(Feedback.label, Prediction.digit, func.count()).select_from(Feedback)
                            .join(Prediction, Feedback.prediction_id == Prediction.id).where(COUNTED)
                            .group_by(Feedback.label, Prediction.digit))
    for label, digit, count in cells:
        matrix[label][digit] = count
    return matrix


def per_model(session):
    """Feedback count and correct answers per model version, oldest version first."""
    correct = func.sum(case((Prediction.digit == Feedback.label, 1), else_=0))
    rows = session.execute(select(Prediction.model_version, func.count(), correct).select_from(Feedback)
                           .join(Prediction, Feedback.prediction_id == Prediction.id).where(COUNTED)
                           .group_by(Prediction.model_version).order_by(Prediction.model_version))
    return [{"version": version, "count": count, "correct": int(right), "accuracy": ratio(right, count)}
            for version, count, right in rows]


def counts_per_day(session, created, since):
    """{"YYYY-MM-DD": rows} for a table's ``created`` column, from ``since`` on."""
    day = func.date(created)
    rows = session.execute(select(day, func.count()).where(created >= since).group_by(day))
    return {str(date): count for date, count in rows}


def daily(session):
    """Predictions and feedback per day over the last DAILY_DAYS days, oldest first."""
    since = (utcnow() - timedelta(days=DAILY_DAYS - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    predictions = counts_per_day(session, Prediction.created, since)
    feedback = counts_per_day(session, Feedback.created, since)
    return [{"date": date, "predictions": predictions.get(date, 0), "feedback": feedback.get(date, 0)}
            for date in sorted(predictions.keys() | feedback.keys())]


@api.get("/stats")
def stats():
    """Counts, accuracy overall / per digit / per model version, the confusion matrix and daily counts."""
    session = db.session()
    matrix = confusion_matrix(session)
    feedback_count = sum(map(sum, matrix))
    correct = sum(matrix[digit][digit] for digit in range(N_CLASSES))
    return {
        "prediction_count": session.scalar(select(func.count()).select_from(Prediction)),
        "feedback_count": feedback_count,
        "accuracy": ratio(correct, feedback_count),
        "per_digit": [{"digit": digit, "count": sum(matrix[digit]), "correct": matrix[digit][digit],
                       "accuracy": ratio(matrix[digit][digit], sum(matrix[digit]))} for digit in range(N_CLASSES)],
        "confusion_matrix": matrix,
        "per_model": per_model(session),
        "daily": daily(session),
    }
