"""``manage.py worker``: an RQ worker that trains the queued runs, one at a time, each in a forked work horse.

If a work horse dies (killed, out of memory) while its worker lives, the worker marks the version failed
at once. If the whole worker dies mid-run, the version's progress stops, so every instance shows it
failed once TRAINING_TIMEOUT has passed; it is not retried (POST /api/models starts a new run). The
active version is never touched: only an activation changes it.
"""
import os
import time

from rq import Worker
from sqlalchemy.exc import SQLAlchemyError

from ..storage import retention, versions
from . import training_runs
from .queue import connect

HORSE_KILLED = "The training process was killed ({how}) before it finished. Start a new training run."


def stop_process_pool():
    """Stop the worker processes joblib keeps for its next call (building the training set starts them).

    A work horse ends with os._exit, which skips the exit hook that would stop them: they would stay, idle
    and holding memory, for joblib's idle timeout (5 minutes) after every run.
    """
    from joblib.externals.loky import get_reusable_executor

    get_reusable_executor().shutdown(wait=True)


class AppWorker(Worker):
    """RQ's forking worker whose work horses run each job inside the Flask app's context."""

    def __init__(self, queues, app, **kwargs):
        super().__init__(queues, work_horse_killed_handler=self.horse_killed, **kwargs)
        self.app = app
        self.pruned_at = None  # time.monotonic() of the last pruning

    def run_maintenance_tasks(self):
        """RQ's upkeep (at start, then about every 10 minutes, between runs), and the retention rule when it is due
        (every PRUNE_INTERVAL seconds): predictions without feedback older than PREDICTION_RETENTION_DAYS go."""
        super().run_maintenance_tasks()
        config = self.app.config
        if self.pruned_at is not None and time.monotonic() - self.pruned_at < config["PRUNE_INTERVAL"]:
            return
        self.pruned_at = time.monotonic()
        try:
            retention.prune(self.app.extensions["database"], config["PREDICTION_RETENTION_DAYS"])
        except SQLAlchemyError as error:  # the next due time tries again; training goes on
            self.log.error("Pruning old predictions failed: %s", error)

    def perform_job(self, job, queue):
        """In the work horse: drop the connections inherited from the worker (SQLAlchemy's fork recipe), run
        the job in the app's context, then stop the processes it started."""
        self.app.extensions["database"].engine.dispose(close=False)
        try:
            with self.app.app_context():
                return super().perform_job(job, queue)
        finally:
            stop_process_pool()

    def horse_killed(self, job, _pid, status, _rusage):
        """A training run's work horse ended without finishing: its version is failed from now on."""
        if job.func_name != f"{training_runs.run_job.__module__}.{training_runs.run_job.__name__}":
            return
        how = f"signal {os.WTERMSIG(status)}" if status is not None and os.WIFSIGNALED(status) else f"status {status}"
        with self.app.extensions["database"].Session() as session:
            versions.fail(session, job.args[0], HORSE_KILLED.format(how=how))


def work(app, burst=False):
    """Train queued runs until stopped (SIGTERM: after the current run) or, with ``burst``, until the queue is empty."""
    from ..recognition import classifier_factory  # noqa: F401  imported once here, not in every work horse

    queue = connect(app.config["REDIS_URL"])
    return AppWorker([queue], app, connection=queue.connection).work(burst=burst, logging_level="INFO")
