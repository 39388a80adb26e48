"""Retention: predictions that got no feedback are deleted, with their images, after PREDICTION_RETENTION_DAYS.

A prediction with feedback is kept for ever, image included: it is training data and the statistics' ground
truth. Runs as ``manage.py db prune`` and in ``manage.py worker`` every PRUNE_INTERVAL seconds.
"""
import logging
from datetime import timedelta

from sqlalchemy import delete, func, select

from .records import Feedback, Prediction, utcnow

log = logging.getLogger(__name__)
BATCH = 5_000  # rows deleted per transaction: short locks, and the writer's INSERTs go on in between


def prunable(cutoff):
    """Predictions made before ``cutoff`` that no feedback refers to."""
    has_feedback = select(Feedback.id).where(Feedback.prediction_id == Prediction.id).exists()
    return (Prediction.created < cutoff) & ~has_feedback


def prune(database, days, now=None):
    """Delete predictions older than ``days`` with no feedback -> (rows deleted, bytes of images freed).

    ``days`` <= 0 keeps everything.
    """
    if days <= 0:
        return 0, 0
    cutoff = (now or utcnow()) - timedelta(days=days)
    rows = freed = 0
    while True:
        with database.engine.begin() as connection:
            batch = connection.execute(select(Prediction.id, func.length(Prediction.image))
                                       .where(prunable(cutoff)).order_by(Prediction.id).limit(BATCH)).all()
            if not batch:
                break
            connection.execute(delete(Prediction).where(Prediction.id.in_([id_ for id_, _ in batch])))
        rows += len(batch)
        freed += sum(size or 0 for _, size in batch)
    if rows:
        log.info("Pruned %d predictions without feedback made before %s (%d bytes of images)", rows, cutoff, freed)
    return rows, freed
