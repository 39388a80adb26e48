"""Where a training run goes: on the RQ queue in Redis when REDIS_URL is set (``manage.py worker`` trains
it), else into a thread of the web worker that was asked (one machine, nothing else to run).

Only this module and ``worker`` import RQ, and only with REDIS_URL set: serving without a queue never loads it.
"""
import logging

from ..exceptions import QueueUnavailableError
from ..storage import versions
from . import training_runs

log = logging.getLogger(__name__)

QUEUE_NAME = "digits-training"
# RQ's limit on one run's running time: a run takes minutes; one still going after an hour is stuck.
JOB_TIMEOUT = 3600
QUEUE_UNAVAILABLE = ("The training queue cannot be reached (Redis at REDIS_URL). Nothing was started; "
                     "try again shortly, and check that Redis runs.")


def connect(url):
    """The RQ queue of training runs on the Redis server at ``url``."""
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE_NAME, connection=Redis.from_url(url))


def start(app, include_feedback=True):
    """Open a new version (``TrainingInProgressError`` while one trains) and send it to be trained -> its number.

    Redis out of reach is a ``QueueUnavailableError``, with the opened version marked failed.
    """
    database = app.extensions["database"]
    factory = app.extensions.get("classifier_factory", training_runs.default_factory)()
    version = training_runs.start(database, factory, app.config["TRAINING_TIMEOUT"])
    queue = app.extensions.get("training_queue")
    if queue is None:
        training_runs.train_in_thread(app, version, include_feedback)
        return version
    from redis.exceptions import RedisError

    try:
        queue.enqueue(training_runs.run_job, version, include_feedback, job_timeout=JOB_TIMEOUT,
                      description=f"train model version {version}")
    except RedisError as error:
        log.error("Could not queue model version %s: %s", version, error)
        with database.Session() as session:
            versions.fail(session, version, f"{QUEUE_UNAVAILABLE} ({type(error).__name__})")
        raise QueueUnavailableError(QUEUE_UNAVAILABLE) from None
    return version


def init_app(app):
    """With REDIS_URL set, the app's training queue, as ``app.extensions["training_queue"]``."""
    if app.config["REDIS_URL"]:
        app.extensions["training_queue"] = connect(app.config["REDIS_URL"])
