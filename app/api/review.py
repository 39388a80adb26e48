"""Reviewing feedback (admin): GET /api/feedback lists it, POST /api/feedback/review accepts or rejects it."""
import re

from flask import request

from ..errors import ApiError
from ..learning.review import DECISIONS, counts, decide, listing
from ..storage import db
from ..storage.records import REVIEW_STATUSES, stored_features
from . import api
from .auth import admin_required
from .request_body import json_body

DEFAULT_LIMIT, MAX_LIMIT = 50, 500  # rows in one listing; ids in one review
ASCII_DIGITS = re.compile(r"[0-9]{1,4}")  # str.isdigit() also takes "²", which int() refuses


def feedback_json(row):
    """One feedback as the review list shows it: the label, what the model answered and how sure it was."""
    return {
        "id": row.id,
        "prediction_id": row.prediction_id,
        "label": row.label,
        "predicted": row.digit,
        "confidence": round(float(max(row.probabilities)), 4),
        "status": row.status,
        "client": row.client,
        "created": row.created.isoformat(timespec="seconds") + "Z",
        "reviewed": row.reviewed and row.reviewed.isoformat(timespec="seconds") + "Z",
        "input": stored_features([row.features])[0].tolist(),
    }


def status_argument():
    """The ``status`` query argument: one of the review statuses, or None (every status)."""
    status = request.args.get("status") or None
    if status is not None and status not in REVIEW_STATUSES:
        raise ApiError(400, "invalid_status", f'"status" must be one of {", ".join(REVIEW_STATUSES)}.')
    return status


def limit_argument():
    """The ``limit`` query argument: 1..MAX_LIMIT rows (default DEFAULT_LIMIT)."""
    limit = request.args.get("limit", str(DEFAULT_LIMIT))
    if not ASCII_DIGITS.fullmatch(limit) or not 1 <= int(limit) <= MAX_LIMIT:
        raise ApiError(400, "invalid_limit", f'"limit" must be a whole number from 1 to {MAX_LIMIT}.')
    return int(limit)


@api.get("/feedback")
@admin_required
def list_feedback():
    """Feedback newest first (``?status=pending`` for what waits for review), with counts per status."""
    session = db.session()
    rows = listing(session, status_argument(), limit_argument())
    return {"counts": counts(session), "feedback": [feedback_json(row) for row in rows]}


def ids_field(body):
    """The ``ids`` of a review: a non-empty list of at most MAX_LIMIT feedback ids."""
    ids = body.get("ids")
    if (not isinstance(ids, list) or not 1 <= len(ids) <= MAX_LIMIT
            or not all(type(i) is int and 0 < i < 2**63 for i in ids)):
        raise ApiError(400, "invalid_ids", f'"ids" must be a list of 1 to {MAX_LIMIT} feedback ids.')
    return ids


@api.post("/feedback/review")
@admin_required
def review_feedback():
    """Accept (trained on from the next run) or reject (never trained on) feedback: all the ids or none."""
    body = json_body()
    status = body.get("status")
    if status not in DECISIONS:
        raise ApiError(400, "invalid_status", '"status" must be "accepted" or "rejected".')
    ids = ids_field(body)
    return {"reviewed": decide(db.session(), ids, status), "status": status}
