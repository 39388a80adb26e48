"""Training a new model version: in the foreground (``manage.py train``) or a background thread (POST /api/models).

Progress goes to the version's row (0..1), so every worker's GET /api/models shows it.
"""
import logging
import threading

import numpy as np

from ..learning.examples import accepted_examples
from ..storage import versions

log = logging.getLogger(__name__)

# Share of the run done after each step; building the training set (synthetic variants) is the long one.
FEEDBACK_LOADED, TRAINING_SET_BUILT, MODEL_BUILT = 0.02, 0.6, 0.97


def accuracy(model, inputs, labels):
    """Share of ``inputs`` the model labels right; None without examples."""
    if not len(labels):
        return None
    digits = np.array([p.digit for p in model.predict(inputs)])
    return round(float((digits == labels).mean()), 4)


def start(database, factory, timeout):
    """Open a new version with status training -> its number (409 while another one trains)."""
    with database.Session() as session:
        versions.fail_stale(session, timeout)
        return versions.create(session, params=dict(factory.params))


def train(database, registry, factory, version, include_feedback=True, progress=None, *, client_share):
    """Train ``version`` (its row says training), store its file, mark it ready -> metadata; failed on error.

    Feedback: the accepted examples, at most ``client_share`` of them from any one client (learning.share).
    """
    def report(fraction):
        with database.Session() as session:
            versions.set_progress(session, version, fraction)
        if progress:
            progress(fraction)

    try:
        with database.Session() as session:
            feedback = accepted_examples(session, client_share)
        log.info("Version %s: feedback %s", version, feedback.summary() if include_feedback else "left out")
        report(FEEDBACK_LOADED)
        training = factory.training_set(*(feedback.training() if include_feedback else (None, None)))
        report(TRAINING_SET_BUILT)
        model, metadata = factory.build(
            training, progress=lambda f: report(TRAINING_SET_BUILT + (MODEL_BUILT - TRAINING_SET_BUILT) * f))
        registry.store(version, model, metadata)
        with database.Session() as session:
            versions.finish(session, version, metadata, accuracy(model, feedback.inputs, feedback.labels))
        if progress:
            progress(1.0)
        return metadata
    except Exception as error:
        log.exception("Training model version %s failed", version)
        with database.Session() as session:
            versions.fail(session, version, f"{type(error).__name__}: {error}")
        raise


def default_factory():
    """The shipped ``ClassifierFactory``, imported on first use: serving never loads the training code."""
    from ..recognition.classifier import ClassifierFactory

    return ClassifierFactory()


def start_in_background(app, include_feedback=True):
    """Open a new version and train it in a thread of this process -> the version number."""
    database, registry = app.extensions["database"], app.extensions["classifier_repo"]
    factory = app.extensions.get("classifier_factory", default_factory)()
    version = start(database, factory, app.config["TRAINING_TIMEOUT"])

    def run():
        try:
            train(database, registry, factory, version, include_feedback,
                  client_share=app.config["FEEDBACK_CLIENT_SHARE"])
        except Exception:  # already logged and recorded as failed on the version's row
            pass

    threading.Thread(target=run, name=f"train-v{version}", daemon=True).start()
    return version
