"""What every benchmark needs: an app serving the shipped model without touching storage/."""
import tempfile
from pathlib import Path

from app import create_app
from settings import TestSettings


def serving_app():
    """(app, loaded) serving the active stored model from a throwaway database and models folder.

    Benchmarks send thousands of predictions; they must not end up in the user's database.
    """
    registry = create_app().extensions["classifier_repo"]
    loaded = registry.current()
    settings = TestSettings(Path(tempfile.mkdtemp(prefix="digits-bench-")))
    settings.MODEL_SIGNING_KEY = registry.key.decode()
    settings.CLASSIFIER_STORAGE = registry.path(loaded.version)  # adopted as version 1 of the copy
    settings.MODEL_RELOAD_INTERVAL = 3600.0
    return create_app(settings), loaded
