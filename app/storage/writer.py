"""Predictions stored off the request path: the request queues its row, a background thread INSERTs them in batches.

A request gets its prediction id at once, from a block of ids this process reserved in the database
(``id_blocks``), so the reply and any feedback can name a prediction whose row is still queued. The
thread writes what is queued every PREDICTION_FLUSH_INTERVAL seconds, sooner once PREDICTION_FLUSH_ROWS
rows wait. Nothing queued is dropped: a failed write keeps its rows for the next try, and the queue is
written at gunicorn's graceful shutdown and SIGTERM (``close`` from the worker_exit hook) and at
interpreter exit. PREDICTION_FLUSH_INTERVAL = 0 writes each row on the request path instead.
"""
import atexit
import logging
import os
import threading
import time

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from .records import Prediction, insert_predictions, next_prediction_id, prediction_row, reserve_prediction_ids

log = logging.getLogger(__name__)
POLL = 0.02  # seconds between looks for a prediction another process has queued


class PredictionWriter:
    """This process's queue of prediction rows and the thread that writes them (started on first use, per process)."""

    def __init__(self, database, interval=0.05, flush_rows=64, id_block=100, wait=2.0):
        self.database = database
        self.interval, self.flush_rows, self.id_block, self.wait = interval, flush_rows, id_block, wait
        self._queue, self._ids = [], iter(())
        self._lock = threading.Lock()  # the queue and the ids
        self._writing = threading.Lock()  # one write at a time, so rows reach the database in queue order
        self._wake, self._closing = threading.Event(), threading.Event()
        self._owner, self._thread = None, None  # the process whose thread runs (a forked worker starts its own)

    def submit(self, image, features, prediction, version):
        """Queue one answered drawing's row -> its prediction id."""
        self._adopt_process()
        with self._lock:
            prediction_id = self._next_id()
            self._queue.append(prediction_row(prediction_id, image, features, prediction, version))
        self._written_soon()
        return prediction_id

    def submit_number(self, image, digits, version):
        """Queue the rows of a number's digits (``segmentation.Digit``) together, so one write stores them all
        -> their prediction ids, left to right; the first names the number (every row's ``number_id``)."""
        self._adopt_process()
        with self._lock:
            ids = [self._next_id() for _ in digits]
            self._queue.extend(prediction_row(prediction_id, image, digit.features, digit.prediction, version,
                                              number_id=ids[0], box=digit.box)
                               for prediction_id, digit in zip(ids, digits))
        self._written_soon()
        return ids

    def _next_id(self):
        """The next id of this process's block, reserving a new block when it is used up (hold ``_lock``)."""
        prediction_id = next(self._ids, None)
        if prediction_id is None:
            self._ids = iter(self._reserve())
            prediction_id = next(self._ids)
        return prediction_id

    def _written_soon(self):
        """After queueing: write now when every row is written on the request path, else wake the thread once
        ``flush_rows`` rows wait."""
        if self.interval <= 0:
            self.flush()
        elif len(self._queue) >= self.flush_rows:
            self._wake.set()

    def _reserve(self):
        with self.database.engine.begin() as connection:
            return reserve_prediction_ids(connection, self.id_block)

    def flush(self):
        """Write every queued row now; on a database error they stay queued and the error is raised."""
        with self._writing:
            with self._lock:
                rows, self._queue = self._queue, []
            if not rows:
                return
            try:
                with self.database.engine.begin() as connection:
                    insert_predictions(connection, rows)
            except BaseException:
                with self._lock:
                    self._queue[:0] = rows
                raise

    def written(self, prediction_id):
        """True once prediction ``prediction_id`` is in the database.

        This process's queue is written first; a prediction another process was given is waited for up to
        PREDICTION_WAIT seconds (its writer's next flush); an id nobody was given is False at once.
        """
        self.flush()
        deadline = time.monotonic() + self.wait
        with self.database.engine.connect() as connection:
            if prediction_id >= next_prediction_id(connection):
                return False
            query = select(Prediction.id).where(Prediction.id == prediction_id)
            while connection.execute(query).first() is None:
                if time.monotonic() > deadline:
                    return False
                connection.rollback()  # a new snapshot for the next look
                time.sleep(POLL)
        return True

    def _adopt_process(self):
        """On first use in a process (a forked gunicorn worker): ids and a queue of its own, and its writer thread.

        A forked worker must neither hand out the ids its parent reserved nor write the parent's queue.
        """
        if self._owner == os.getpid():
            return
        with self._lock:
            if self._owner == os.getpid():
                return
            self._owner, self._ids, self._queue = os.getpid(), iter(()), []
            if self.interval > 0:
                self._thread = threading.Thread(target=self._run, name="prediction-writer", daemon=True)
                self._thread.start()
                atexit.register(self.close)

    def _run(self):
        """Write the queue every ``interval`` seconds, or when ``flush_rows`` are waiting; retry after an error."""
        while not self._closing.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            try:
                self.flush()
            except Exception:  # the rows stay queued: never let the thread die
                log.exception("Predictions not written yet (%d queued); retrying", len(self._queue))
                time.sleep(1.0)

    def close(self):
        """Stop the thread and write what is queued (at shutdown); retried a few times so a busy database loses nothing."""
        self._closing.set()
        self._wake.set()
        for attempt in range(5):
            try:
                self.flush()
                return
            except SQLAlchemyError as error:
                log.error("Writing %d queued predictions failed (attempt %d): %s", len(self._queue), attempt + 1, error)
                time.sleep(1.0)
        log.critical("%d predictions could not be written at shutdown", len(self._queue))


def init_app(app):
    """The app's ``PredictionWriter``, as ``app.extensions["prediction_writer"]``."""
    config = app.config
    writer = PredictionWriter(app.extensions["database"], config["PREDICTION_FLUSH_INTERVAL"],
                              config["PREDICTION_FLUSH_ROWS"], config["PREDICTION_ID_BLOCK"], config["PREDICTION_WAIT"])
    app.extensions["prediction_writer"] = writer
    return writer
