"""GET /api/health (liveness, with the model's metadata) and GET /api/ready (model loaded)."""
from flask import current_app

from . import api


@api.get("/health")
def health():
    """The service is up; the model's metadata, or null when none is stored yet."""
    return {"status": "ok", "model": current_app.extensions["classifier_repo"].metadata}


@api.get("/ready")
def ready():
    """200 once a model is loaded, 503 until then. Once the prediction writer holds, has dropped or has set aside
    rows, ``predictions`` says how many (answers go on while the database is out of reach, so this stays 200)."""
    repo = current_app.extensions["classifier_repo"]
    if repo.metadata is None:
        return {"status": "loading", "message": "No model is loaded yet. Run `python manage.py train`."}, 503
    writer = current_app.extensions["prediction_writer"].status()
    troubled = writer["held"] or writer["dropped"] or writer["dead_lettered"]
    return {"status": "ready", "predictions": writer} if troubled else {"status": "ready"}
