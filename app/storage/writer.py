"""Predictions stored off the request path: the request queues its row, a background thread INSERTs them in batches.

A request gets its prediction id at once, from a block of ids this process reserved in the database
(``id_blocks``), so the reply and any feedback can name a prediction whose row is still queued. The
thread writes what is queued every PREDICTION_FLUSH_INTERVAL seconds, sooner once PREDICTION_FLUSH_ROWS
rows wait. PREDICTION_FLUSH_INTERVAL = 0 writes each row on the request path instead.

What can go wrong, and what it costs:
- The database is out of reach (an outage): the rows stay queued and are written once it is back. The queue
  holds at most WRITER_QUEUE_LIMIT rows; beyond that, and once this process's reserved ids run out, a request
  is still answered but its row is dropped (no ``prediction_id`` in the reply). ``status()`` (on /api/ready)
  and the log say how many rows are held and how many were dropped.
- The database refuses a row for good (a duplicate id, a value it will not take): the batch is written row by
  row, and each refused row is logged with its reason and set aside in PREDICTION_DEAD_LETTER (JSON lines),
  so it never holds up the rows behind it.
- A graceful stop (gunicorn's worker_exit, SIGTERM, interpreter exit) writes the queue (``close``). A SIGKILL,
  or a crash of the process, loses the rows still queued: at most PREDICTION_FLUSH_INTERVAL seconds of
  predictions (0.05 s by default), or everything held during an outage. Their replies were already sent;
  feedback on one of them is then 404 ``unknown_prediction``.
"""
import atexit
import base64
import json
import logging
import os
import threading
import time

from sqlalchemy import select
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from .records import Prediction, insert_predictions, next_prediction_id, prediction_row, reserve_prediction_ids

log = logging.getLogger(__name__)
POLL = 0.02  # seconds between looks for a prediction another process has queued
OUTAGE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeoutError)  # worth trying again later
MAX_BACKOFF = 10.0  # seconds between tries while the database is out of reach (at most)


class PredictionWriter:
    """This process's queue of prediction rows and the thread that writes them (started on first use, per process)."""

    def __init__(self, database, interval=0.05, flush_rows=64, id_block=100, wait=2.0, queue_limit=10_000,
                 dead_letter=None):
        self.database = database
        self.interval, self.flush_rows, self.id_block, self.wait = interval, flush_rows, id_block, wait
        self.queue_limit, self.dead_letter = queue_limit, dead_letter
        self.max_backoff = MAX_BACKOFF
        self._queue, self._ids = [], iter(())
        self._in_flight = 0  # rows a flush took out of the queue and has not written or put back yet
        self.dropped = self.dead_lettered = 0
        self.last_error = None
        self._lock = threading.Lock()  # the queue, the ids and the counts
        self._writing = threading.Lock()  # one write at a time, so rows reach the database in queue order
        self._wake, self._closing = threading.Event(), threading.Event()
        self._owner, self._thread = None, None  # the process whose thread runs (a forked worker starts its own)

    def submit(self, image, features, prediction, version):
        """Queue one answered drawing's row -> its prediction id, or None when the row cannot be held (the queue
        is full, or no id can be reserved while the database is out of reach): it is dropped and counted."""
        ids = self._queue_rows(1, lambda ids: [prediction_row(ids[0], image, features, prediction, version)])
        return ids and ids[0]

    def submit_number(self, image, digits, version):
        """Queue the rows of a number's digits (``segmentation.Digit``) together, so one write stores them all
        -> their prediction ids, left to right (the first names the number: every row's ``number_id``); None when
        they cannot be held, as ``submit``."""
        return self._queue_rows(len(digits), lambda ids: [
            prediction_row(prediction_id, image, digit.features, digit.prediction, version, number_id=ids[0],
                           box=digit.box) for prediction_id, digit in zip(ids, digits)])

    def _queue_rows(self, count, rows_for):
        """Reserve ``count`` ids and queue ``rows_for(ids)`` -> the ids, or None (dropped, counted, logged)."""
        self._adopt_process()
        with self._lock:
            ids = []
            if len(self._queue) + self._in_flight + count <= self.queue_limit:
                ids = [self._next_id() for _ in range(count)]
            if not ids or None in ids:
                self.dropped += count
                if self.dropped in (1, 10, 100) or self.dropped % 1000 < count:
                    log.error("Prediction not stored: %d rows held (limit %d), %d dropped so far; last error: %s",
                              len(self._queue) + self._in_flight, self.queue_limit, self.dropped, self.last_error)
                return None
            self._queue.extend(rows_for(ids))
        self._written_soon()
        return ids

    def _written_soon(self):
        """After queueing: write now when every row is written on the request path, else wake the thread once
        ``flush_rows`` rows wait."""
        if self.interval <= 0:
            self.flush()
        elif len(self._queue) >= self.flush_rows:
            self._wake.set()

    def _next_id(self):
        """The next id of this process's block, reserving a new block when it is used up; None if that fails."""
        prediction_id = next(self._ids, None)
        if prediction_id is None:
            try:
                with self.database.engine.begin() as connection:
                    self._ids = iter(reserve_prediction_ids(connection, self.id_block))
            except SQLAlchemyError as error:
                self.last_error = f"reserving ids: {error.__class__.__name__}: {error}"
                return None
            prediction_id = next(self._ids)
        return prediction_id

    def status(self):
        """Rows held (queued or being written), the limit, and rows dropped or set aside since start."""
        with self._lock:
            return {"held": len(self._queue) + self._in_flight, "limit": self.queue_limit, "dropped": self.dropped,
                    "dead_lettered": self.dead_lettered, "last_error": self.last_error}

    def flush(self):
        """Write every queued row now. Rows the database refuses for good are set aside; if the database cannot be
        reached, the rows stay queued and the error is raised."""
        with self._writing:
            with self._lock:
                rows, self._queue = self._queue, []
                self._in_flight = len(rows)
            try:
                if rows:
                    self._write(rows)
            finally:
                with self._lock:
                    self._in_flight = 0

    def _write(self, rows):
        """INSERT ``rows`` in one statement; when that fails for a reason other than an outage, one at a time."""
        try:
            self._insert(rows)
            return
        except OUTAGE:
            self._put_back(rows)
            raise
        except SQLAlchemyError:
            pass  # some row is refused: find which, row by row
        except BaseException:
            self._put_back(rows)
            raise
        for index, row in enumerate(rows):
            try:
                self._insert([row])
            except OUTAGE:
                self._put_back(rows[index:])
                raise
            except SQLAlchemyError as error:
                self._set_aside(row, error)
            except BaseException:
                self._put_back(rows[index:])
                raise
        self.last_error = None

    def _insert(self, rows):
        try:
            with self.database.engine.begin() as connection:
                insert_predictions(connection, rows)
        except SQLAlchemyError as error:
            self.last_error = f"{error.__class__.__name__}: {str(error).splitlines()[0]}"
            raise
        self.last_error = None

    def _put_back(self, rows):
        with self._lock:
            self._queue[:0] = rows

    def _set_aside(self, row, error):
        """Log a row the database refuses for good, with the reason, and append it to the dead-letter file."""
        reason = f"{error.__class__.__name__}: {str(error).splitlines()[0]}"
        log.error("Prediction %s refused by the database, set aside in %s: %s", row["id"], self.dead_letter, reason)
        with self._lock:
            self.dead_lettered += 1
        if self.dead_letter is None:
            return
        record = {**row, "created": row["created"].isoformat(), "image": base64.b64encode(row["image"]).decode(),
                  "features": row["features"].hex(), "reason": reason}
        try:
            self.dead_letter.parent.mkdir(parents=True, exist_ok=True)
            with open(self.dead_letter, "a") as file:
                file.write(json.dumps(record) + "\n")
        except OSError as write_error:
            log.critical("Prediction %s lost: the dead-letter file cannot be written (%s)", row["id"], write_error)

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
        """Write the queue every ``interval`` seconds, or when ``flush_rows`` are waiting; while the database is out
        of reach, try again after 1, 2, 4 ... MAX_BACKOFF seconds."""
        failures = 0
        while not self._closing.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            try:
                self.flush()
            except Exception:  # the rows stay queued: never let the thread die
                failures += 1
                status = self.status()
                log.error("Database out of reach: %d predictions held (limit %d), %d dropped; retrying. %s",
                          status["held"], status["limit"], status["dropped"], status["last_error"])
                self._closing.wait(min(2 ** (failures - 1), self.max_backoff))
            else:
                if failures:
                    log.info("Database back: the held predictions are written (%d dropped meanwhile)", self.dropped)
                failures = 0

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
                              config["PREDICTION_FLUSH_ROWS"], config["PREDICTION_ID_BLOCK"], config["PREDICTION_WAIT"],
                              config["WRITER_QUEUE_LIMIT"], config["PREDICTION_DEAD_LETTER"])
    app.extensions["prediction_writer"] = writer
    return writer
