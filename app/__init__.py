"""Application factory."""
import logging

from flask import Flask

from . import errors, frontend
from .api import api
from .classifier import ClassifierRepo, resolve_signing_key
from .exceptions import ModelIntegrityError, ModelUnavailableError


def _settings_to_config(settings):
    """Every UPPER_CASE attribute of a settings object or class, as a dict."""
    return {name: getattr(settings, name) for name in dir(settings) if name.isupper()}


def create_app(settings=None):
    """Build the Flask app from ``settings`` (default: ``settings.Settings``)."""
    if settings is None:
        from settings import Settings

        settings = Settings
    app = Flask(__name__, static_folder=None)
    app.config.update(_settings_to_config(settings))
    app.json.sort_keys = False
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    repo = ClassifierRepo(app.config["CLASSIFIER_STORAGE"], resolve_signing_key(app.config),
                          reload_interval=app.config["MODEL_RELOAD_INTERVAL"])
    app.extensions["classifier_repo"] = repo
    try:
        repo.get()  # load once at start-up, so the first request does not pay for it
    except (ModelUnavailableError, ModelIntegrityError) as error:
        app.logger.warning("%s", error)

    errors.init_app(app)
    app.register_blueprint(api)
    frontend.init_app(app)
    return app
