"""Application factory."""
import logging

from flask import Flask
from threadpoolctl import threadpool_limits

from . import errors
from .api import frontend
from .storage import db, registry, writer
from .api import api


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
    app.json.sort_keys = False
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    db.init_app(app)  # migrates the schema to the latest revision
    registry.init_app(app)  # ClassifierRepo: model versions; serves the active one
    writer.init_app(app)  # PredictionWriter: predictions stored off the request path

    errors.init_app(app)
    app.register_blueprint(api)
    frontend.init_app(app)
    return app
