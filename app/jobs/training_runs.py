"""Training a new model version: in the foreground (``manage.py train``), in a thread of a web worker, or
as a queued job in ``manage.py worker`` (POST /api/models; ``queue`` chooses).

Progress goes to the version's row (0..1), so every worker of every instance shows it in GET /api/models.
"""
import logging
import threading

import numpy as np
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from ..exceptions import TrainingAbandonedError
from ..learning.examples import accepted_examples
from ..storage import versions

log = logging.getLogger(__name__)

# Share of the run done after each step; building the training set (synthetic variants) is the long one.
FEEDBACK_LOADED, TRAINING_SET_BUILT, MODEL_BUILT = 0.02, 0.6, 0.97
BEATS_PER_TIMEOUT = 3  # heartbeats per TRAINING_TIMEOUT: a run is declared dead only after several missed ones
ABANDONED = ("Version {version} is no longer training: it made no progress for TRAINING_TIMEOUT and was declared "
             "failed, so this run stops. Start a new training run.")


def accuracy(model, inputs, labels):
    """Share of ``inputs`` the model labels right; None without examples."""
    if not len(labels):
        return None
    digits = np.array([p.digit for p in model.predict(inputs)])
    return round(float((digits == labels).mean()), 4)


def start(database, factory, timeout):
    """Open a new version with status training -> its number (``TrainingInProgressError``
    while another one trains)."""
    with database.Session() as session:
        versions.fail_stale(session, timeout)
        return versions.create(session, params=dict(factory.params))


class Heartbeat:
    """While a run trains, a thread marks its row alive every ``interval`` s: a step may take longer than
    TRAINING_TIMEOUT, only a dead process stops the beats. Used as ``with Heartbeat(...):``."""

    def __init__(self, database, version, interval):
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.beat, args=(database, version, interval), daemon=True,
                                       name=f"heartbeat-v{version}")

    def beat(self, database, version, interval):
        while not self.stopped.wait(interval):
            try:
                with database.Session() as session:
                    if not versions.beat(session, version):
                        return
            except SQLAlchemyError as error:
                log.warning("Heartbeat of model version %s not recorded: %s", version, error)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_exc):
        self.stopped.set()
        self.thread.join()


def train(database, registry, factory, version, include_feedback=True, progress=None, timeout=None, *,
          client_share):
    """Train ``version`` (its row says training), store it, mark it ready -> metadata; failed on error.

    Feedback: the accepted examples, at most ``client_share`` of them from any one client (learning.share).
    With ``timeout`` (TRAINING_TIMEOUT) a heartbeat keeps the run alive between its steps. A run whose row
    was declared failed meanwhile (no heartbeat for TRAINING_TIMEOUT) stops at its next step.
    """
    if timeout:
        with Heartbeat(database, version, timeout / BEATS_PER_TIMEOUT):
            return train(database, registry, factory, version, include_feedback, progress, client_share=client_share)

    def report(fraction):
        with database.Session() as session:
            if not versions.set_progress(session, version, fraction):
                raise TrainingAbandonedError(ABANDONED.format(version=version))
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
    except TrainingAbandonedError as error:  # its row already says failed
        log.warning("%s", error)
        raise
    except Exception as error:
        log.exception("Training model version %s failed", version)
        with database.Session() as session:
            versions.fail(session, version, f"{type(error).__name__}: {error}")
        raise


def default_factory():
    """The shipped ``ClassifierFactory``, imported on first use: serving never loads the training code."""
    from ..recognition.classifier_factory import ClassifierFactory

    return ClassifierFactory()


def train_in_thread(app, version, include_feedback=True):
    """Train the opened ``version`` in a thread of this process (no job queue configured)."""
    database, registry = app.extensions["database"], app.extensions["classifier_repo"]
    factory = app.extensions.get("classifier_factory", default_factory)()

    def run():
        try:
            train(database, registry, factory, version, include_feedback, timeout=app.config["TRAINING_TIMEOUT"],
                  client_share=app.config["FEEDBACK_CLIENT_SHARE"])
        except Exception:  # already logged and recorded as failed on the version's row
            pass

    threading.Thread(target=run, name=f"train-v{version}", daemon=True).start()


def run_job(version, include_feedback=True):
    """A queued training run, in a work horse of ``manage.py worker`` (inside the worker app's context).

    A run that waited longer than TRAINING_TIMEOUT (no worker took it) was shown as failed by then: it
    stays failed and is skipped, so what the API said holds.
    """
    app = current_app
    database = app.extensions["database"]
    with database.Session() as session:
        versions.fail_stale(session, app.config["TRAINING_TIMEOUT"])
        row = versions.get(session, version)
        if row is None or row.status != "training":
            log.warning("Not training model version %s: it is %s", version, row.status if row else "unknown")
            return None
    factory = app.extensions.get("classifier_factory", default_factory)()
    train(database, app.extensions["classifier_repo"], factory, version, include_feedback,
          timeout=app.config["TRAINING_TIMEOUT"], client_share=app.config["FEEDBACK_CLIENT_SHARE"])
    return version
