"""GET /api/health (liveness, with the model's metadata) and GET /api/ready (model loaded)."""
from flask import current_app

from . import api


@api.get("/health")
def health():
    """The service is up; the model's metadata, or null when none is stored yet."""
    return {"status": "ok", "model": current_app.extensions["classifier_repo"].metadata}


@api.get("/ready")
def ready():
    """200 once a model is loaded, 503 until then."""
    repo = current_app.extensions["classifier_repo"]
    if repo.metadata is None:
        return {"status": "loading", "message": "No model is loaded yet. Run `python manage.py train`."}, 503
    return {"status": "ready"}
