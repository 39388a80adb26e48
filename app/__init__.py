"""Application factory."""
import logging

from flask import Flask
from threadpoolctl import threadpool_limits

from . import errors
from .api import api, deadline, frontend, limits
from .api.json_provider import OrjsonProvider
from .jobs import queue
from .learning import clients
from .storage import classifier_repo, db, writer


def _settings_to_config(settings):
    """Every UPPER_CASE attribute of a settings object or class, as a dict."""
    return {name: getattr(settings, name) for name in dir(settings) if name.isupper()}


def create_app(settings=None):
    """Build the Flask app from ``settings`` (default: ``settings.Settings``)."""
    if settings is None:
        from settings import Settings

        settings = Settings
    # One request is one small neighbour search: OpenMP/BLAS threads only add start-up cost per call
    # and oversubscribe the cores that workers x threads already fill (benchmarks/README-load.md).
    threadpool_limits(limits=1)
    app = Flask(__name__, static_folder=None)
    app.config.update(_settings_to_config(settings))
    app.json = OrjsonProvider(app)  # replies encoded by orjson (app/api/json_provider.py)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    db.init_app(app)  # migrates the schema to the latest revision
    classifier_repo.init_app(app)  # ClassifierRepo: model versions; serves the active one
    queue.init_app(app)  # training runs on RQ when REDIS_URL is set
    clients.init_app(app)  # client addresses (behind TRUSTED_PROXIES) and their keyed hashes
    writer.init_app(app)  # PredictionWriter: predictions stored off the request path

    errors.init_app(app)
    app.register_blueprint(api)
    deadline.init_app(app)  # each request's time budget (REQUEST_DEADLINE_SECONDS)
    limits.init_app(app)  # after the routes exist: it wraps the limited views
    frontend.init_app(app)
    return app
