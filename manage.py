#!/usr/bin/env python
"""Command line: ``python manage.py runserver | serve | worker | train | predict FILE... | shell | db | models | feedback``.

Built on flask-script-ng (import ``flask_script_ng``), the maintained fork of flask-script: the
original flask-script 2.0.6 imports ``flask._compat``, which Flask 2 removed.
"""
import sys
from pathlib import Path

from flask import current_app
from flask_script_ng import Manager, Server, Shell

from app import commands, create_app
from app.errors import ApiError
from app.exposure import warn_if_exposed
from app.exceptions import ConfigurationError, EmptyImageError, ImageTooLargeError, InvalidImageError, \
    ModelIntegrityError, ModelUnavailableError
from app.recognition.preprocessing import drawing_from_bytes
from app.serve import DigitsServer, gunicorn_options
from settings import Settings

manager = Manager(create_app)
manager.add_command("runserver", Server(host=Settings.HOST, port=Settings.PORT, use_debugger=False,
                                        use_reloader=False, threaded=True))
manager.add_command("shell", Shell(make_context=lambda: {"app": current_app._get_current_object(),
                                                         "repo": current_app.extensions["classifier_repo"]}))
manager.add_command("db", commands.db)
manager.add_command("models", commands.models)
manager.add_command("feedback", commands.feedback)


def _repo():
    return current_app.extensions["classifier_repo"]


def _database_name():
    return current_app.extensions["database"].url.render_as_string(hide_password=True)


def _has_usable_model():
    try:
        _repo().current()
        return True
    except (ModelUnavailableError, ModelIntegrityError) as error:
        print(error)
        return False


@manager.option("--force", dest="force", action="store_true",
                help="activate the new version even when the quality gate refuses it (logged)")
@manager.option("--variants", dest="variants", type=int, help="synthetic variants per real and per load_digits digit (default: the factory's, 4 and 12)")
@manager.option("--with-feedback", dest="with_feedback", action="store_true", help="also learn from people's feedback")
@manager.option("--if-missing", dest="if_missing", action="store_true",
                help="only train when no usable model is active")
def train(if_missing=False, with_feedback=False, variants=None, force=False):
    """Train a new model version, store it, print its accuracy, and make it the active one through the quality gate."""
    if if_missing and _has_usable_model():
        active = _repo().current().version
        print(f"Model version {active} is active; nothing to do.")
        return 0
    try:
        version, metadata, refusal = commands.train_version(with_feedback, variants, force)
    except ApiError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 1
    print(f"Trained version {version} on {metadata['training_samples']} samples {metadata['samples']}")
    print(f"Cross-validated accuracy: {metadata['cv_accuracy']:.4f}")
    reference = metadata.get("reference")
    if reference:
        print(f"Reference accuracy: {reference['all']['overall']:.4f}")
    if refusal is not None:
        print(f"Stored in the database ({_database_name()}); not activated. error: {refusal}", file=sys.stderr)
        return 1
    print(f"Stored in the database ({_database_name()}); version {version} is active")
    return 0


def describe(name, prediction):
    """Two lines for one image: the digit, its confidence and any doubt; the training digits that voted."""
    confidence = prediction.probabilities[prediction.digit]
    doubt = f", not sure: {prediction.reason}" if prediction.uncertain else ""
    voters = ", ".join(f"{n.label} ({n.source}, distance {n.distance:.1f})" for n in prediction.neighbors)
    return f"{name}: {prediction.digit} ({confidence:.0%}){doubt}\n  closest training digits: {voters}"


@manager.option("files", nargs="+", metavar="FILE", help="image files (PNG, JPEG, GIF, BMP, WebP)")
def predict(files):
    """Print the digit, its confidence, any doubt and the closest training digits for each image file."""
    try:
        model = _repo().current().model
    except (ModelUnavailableError, ModelIntegrityError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    failures = 0
    for name in files:
        try:
            features, shape = drawing_from_bytes(Path(name).read_bytes(), current_app.config["MAX_IMAGE_SIDE"])
        except (OSError, InvalidImageError, ImageTooLargeError, EmptyImageError) as error:
            print(f"{name}: error: {error}")
            failures += 1
            continue
        print(describe(name, model.predict_one(features, shape)))
    return 1 if failures else 0


@manager.option("--threads", dest="threads", type=int, help="threads per worker (default: THREADS)")
@manager.option("--workers", dest="workers", type=int, help="worker processes (default: WORKERS, one per core)")
@manager.option("--port", dest="port", type=int, help="port (default: PORT)")
@manager.option("--host", dest="host", help="address to bind (default: HOST)")
def serve(host=None, port=None, workers=None, threads=None):
    """Serve under gunicorn: the app (and its model) is built once, then the workers fork from it."""
    warn_if_exposed(host or Settings.HOST, current_app.config["TRUSTED_PROXIES"])
    DigitsServer(current_app._get_current_object(), gunicorn_options(Settings, host, port, workers, threads)).run()


@manager.option("--burst", dest="burst", action="store_true", help="stop when the queue is empty")
def worker(burst=False):
    """Train the runs POST /api/models queued on REDIS_URL, one at a time, until stopped (SIGTERM: after the run)."""
    if not current_app.config["REDIS_URL"]:
        print("error: REDIS_URL is not set. Set it to the Redis server the web instances queue training runs on "
              "(e.g. redis://127.0.0.1:6379/0).", file=sys.stderr)
        return 2
    from redis.exceptions import ConnectionError as RedisConnectionError

    from app.jobs.worker import work

    try:
        work(current_app._get_current_object(), burst=burst)
    except RedisConnectionError as error:
        print(f"error: Redis at REDIS_URL cannot be reached ({error}). Start it, or check REDIS_URL.", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    try:
        sys.exit(manager.run())
    except ConfigurationError as error:  # a setting start-up cannot do without: say which, no traceback
        sys.exit(f"error: {error}")
