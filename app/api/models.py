"""Model versions: GET /api/models, GET /api/models/<v>, POST /api/models (train), POST .../activate."""
from flask import current_app, request, url_for

from ..jobs import queue as training_queue
from ..learning import gate
from ..learning.clients import client_address
from ..storage import db, versions
from .auth import admin_required
from ..errors import ApiError
from . import api
from .request_body import json_body


def model_json(row, active):
    """One version as the API shows it."""
    return versions.to_json(row, active, current_app.config["TRAINING_TIMEOUT"])


@api.get("/models")
def list_models():
    """Every version, newest first, and which one is active."""
    session = db.session()
    active = versions.active_version(session)
    return {"active": active, "models": [model_json(row, active) for row in versions.listing(session)]}


@api.get("/models/<int:version>")
def get_model(version):
    """One version; while it trains, its progress."""
    session = db.session()
    return model_json(versions.find(session, version), versions.active_version(session))


@api.post("/models")
@admin_required
def train_model():
    """Start training a new version on the job queue, or in the background (feedback included unless told
    otherwise) -> 202."""
    body = json_body() if request.get_data() else {}
    include_feedback = body.get("include_feedback", True)
    if not isinstance(include_feedback, bool):
        raise ApiError(400, "invalid_include_feedback", 'The "include_feedback" field must be true or false.')
    version = training_queue.start(current_app._get_current_object(), include_feedback)
    session = db.session()
    body = model_json(versions.find(session, version), versions.active_version(session))
    return body, 202, {"Location": url_for("api.get_model", version=version)}


@api.post("/models/<int:version>/activate")
@admin_required
def activate_model(version):
    """Serve ``version`` from now on, in every worker (rollback = activating an older one), if it passes the
    quality gate; ``{"force": true}`` overrides the gate (logged)."""
    body = json_body() if request.get_data() else {}
    force = body.get("force", False)
    if not isinstance(force, bool):
        raise ApiError(400, "invalid_force", 'The "force" field must be true or false.')
    row = gate.activate(db.session(), current_app.extensions["classifier_repo"], version, current_app.config,
                        force=force, who=f"admin at {client_address()}")
    current_app.extensions["classifier_repo"].expire()
    return model_json(row, version)
