"""Configuration: defaults here, every value overridable by an environment variable of the same name."""
import os
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _env_int(name, default):
    """Read an integer from the environment, falling back to ``default``."""
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _env_float(name, default):
    """Read a float from the environment, falling back to ``default``."""
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


class Settings:
    """Production defaults; ``create_app`` copies every UPPER_CASE attribute into ``app.config``."""

    BASE_DIR = BASE_DIR
    STORAGE_DIR = Path(os.environ.get("STORAGE_DIR", BASE_DIR / "storage"))
    CLASSIFIER_STORAGE = Path(os.environ.get("CLASSIFIER_STORAGE", STORAGE_DIR / "classifier.pkl"))
    # Secret that signs model files (HMAC-SHA256). When unset, a random key is created once in
    # SIGNING_KEY_FILE, so nothing machine-specific is ever committed.
    MODEL_SIGNING_KEY = os.environ.get("MODEL_SIGNING_KEY", "")
    SIGNING_KEY_FILE = Path(os.environ.get("SIGNING_KEY_FILE", STORAGE_DIR / ".signing-key"))
    # How often (seconds) a worker checks whether the stored model changed; 0 checks on every request.
    MODEL_RELOAD_INTERVAL = _env_float("MODEL_RELOAD_INTERVAL", 2.0)
    # Model versions: a local copy of each in MODELS_DIR/v<N>-<sha256>.pkl; which one is active lives in the database.
    MODELS_DIR = Path(os.environ.get("MODELS_DIR", STORAGE_DIR / "models"))
    # SQLAlchemy URL; PostgreSQL: postgresql+psycopg://user:password@host:5432/dbname
    DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{STORAGE_DIR / 'app.db'}"
    # Bearer token for training and activating models; empty turns those endpoints off.
    ADMIN_TOKEN = os.environ.get("ADMIN_TOKEN", "")
    # A training run with no progress for this many seconds is taken as dead (its process stopped).
    TRAINING_TIMEOUT = _env_float("TRAINING_TIMEOUT", 600.0)
    # Redis (redis://host:6379/0), one server for two jobs. The training queue: POST /api/models queues runs for
    # `manage.py worker`. The rate-limit counters, shared by every worker and instance. Empty: each run trains
    # in a thread of the web worker that was asked, and the counters stay in memory.
    REDIS_URL = os.environ.get("REDIS_URL", "")

    # Learning from users (README, "Learning from users").
    # A version is refused activation when its reference accuracy is below the active one's by more than
    # this many points, overall or on a digit beyond that digit's noise (GATE_DIGIT_Z standard errors).
    GATE_MARGIN = _env_float("GATE_MARGIN", 0.5)
    GATE_DIGIT_Z = _env_float("GATE_DIGIT_Z", 2.0)
    # A correction of an answer the model gave at least this vote share, or to a digit that got no vote,
    # waits for an admin's review; only accepted feedback is trained on.
    REVIEW_CONFIDENCE = _env_float("REVIEW_CONFIDENCE", 0.6)
    # Most of one training run's feedback examples a single client may contribute (0..1).
    FEEDBACK_CLIENT_SHARE = _env_float("FEEDBACK_CLIENT_SHARE", 0.05)
    # Rate limits per client address (Flask-Limiter notation); an empty value turns a limit off.
    FEEDBACK_RATE_LIMIT = os.environ.get("FEEDBACK_RATE_LIMIT", "30 per minute")
    PREDICT_RATE_LIMIT = os.environ.get("PREDICT_RATE_LIMIT", "")
    # Proxies in front of the app that set X-Forwarded-For (nginx: 1). 0 trusts no forwarded address.
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)
    # REDIS_URL (above) also holds the rate-limit counters shared by every worker and instance; empty: in memory.

    # Predictions are queued by the request and written in batches by a background thread (app/storage/writer.py):
    # every PREDICTION_FLUSH_INTERVAL seconds (0: on the request path), sooner once PREDICTION_FLUSH_ROWS wait.
    PREDICTION_FLUSH_INTERVAL = _env_float("PREDICTION_FLUSH_INTERVAL", 0.05)
    PREDICTION_FLUSH_ROWS = _env_int("PREDICTION_FLUSH_ROWS", 64)
    PREDICTION_ID_BLOCK = _env_int("PREDICTION_ID_BLOCK", 100)  # ids a process reserves at a time
    PREDICTION_WAIT = _env_float("PREDICTION_WAIT", 2.0)  # seconds feedback waits for a prediction another process queued
    # Predictions with no feedback are deleted, images and all, after this many days (0 keeps them for ever):
    # `manage.py db prune`, and `manage.py worker` every PRUNE_INTERVAL seconds. Feedback is never pruned.
    PREDICTION_RETENTION_DAYS = _env_float("PREDICTION_RETENTION_DAYS", 30.0)
    PRUNE_INTERVAL = _env_float("PRUNE_INTERVAL", 3600.0)
    # Rows one process holds while the database is out of reach; beyond it a prediction is answered but not stored.
    WRITER_QUEUE_LIMIT = _env_int("WRITER_QUEUE_LIMIT", 10_000)
    # Rows the database refuses for good are set aside here (JSON lines, with the reason), per instance.
    PREDICTION_DEAD_LETTER = Path(os.environ.get("PREDICTION_DEAD_LETTER", STORAGE_DIR / "dead-letter" / "predictions.jsonl"))

    # Models with more training samples than this search an approximate neighbour index (faiss inverted file) instead of
    # the exact search (app/recognition/search.py); below it, answers are exactly scikit-learn's.
    APPROXIMATE_SEARCH_ABOVE = _env_int("APPROXIMATE_SEARCH_ABOVE", 100_000)

    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 8 * 1024 * 1024)  # bytes of request body
    MAX_IMAGE_SIDE = _env_int("MAX_IMAGE_SIDE", 4096)  # pixels, checked before decoding pixels
    MAX_BATCH_SIZE = _env_int("MAX_BATCH_SIZE", 256)  # images in one POST /api/predict/batch
    # Pixels of all a batch's images together, read from their headers before any is decoded (413 beyond):
    # about 2 s of work here; 856 drawings of the page's 280x280 canvas, or four images of MAX_IMAGE_SIDE².
    MAX_BATCH_PIXELS = _env_int("MAX_BATCH_PIXELS", 64 * 2**20)
    # A request's time budget, below gunicorn's 30 s worker timeout: long work stops with 503 deadline_exceeded
    # once it would pass it (app/api/deadline.py). 0 turns it off.
    REQUEST_DEADLINE_SECONDS = _env_float("REQUEST_DEADLINE_SECONDS", 20.0)

    FRONTEND_DIST = Path(os.environ.get("FRONTEND_DIST", BASE_DIR / "frontend" / "dist"))
    HOST = os.environ.get("HOST", "127.0.0.1")
    PORT = _env_int("PORT", 5000)
    # gunicorn worker processes x threads (gthread: keep-alive connections wait in its poller, not on a thread).
    # Measured 2026-12-05 09:19-09:23 (`benchmarks.load`, 2 cores, load average 10-17 from other work), ours' server
    # CPU ms per request / its share of the floor's req/s: 2x1 3.46 / 43 %, 2x2 3.68 / 46 %, 2x4 3.74 / 21 %,
    # 4x1 4.44 / 9 %. One worker per core and 2 threads: the least CPU per request within noise of 2x1, and a slow
    # client does not stall a whole worker.
    WORKERS = _env_int("WORKERS", os.cpu_count() or 1)  # gunicorn worker processes (`manage.py serve`)
    THREADS = _env_int("THREADS", 2)  # threads per worker
    # Seconds a connection is kept open for the client's next request; 0 closes it after each answer.
    # A kept connection stays with the worker that accepted it: 2026-12-07, wrk's 8 kept connections all landed on
    # one of the two workers in most runs (ours 280-293 req/s on 1.0 of the 2 cores, 3.4 CPU ms a request), and
    # on both in some (551 req/s), so a client with a connection pool got one core or two by chance. Closed after
    # each answer, every request is accepted by a free worker: 478-501 req/s on 1.8 cores, for 0.2-0.4 ms more
    # CPU a request. Behind nginx (docs/deploy.md) nothing changes: it opens a connection per request upstream.
    KEEPALIVE = _env_int("KEEPALIVE", 0)
    # Threads of a worker that read one batch's images side by side (app/api/batch.py); 1 reads them in turn.
    BATCH_THREADS = _env_int("BATCH_THREADS", os.cpu_count() or 1)
    TESTING = False


class TestSettings(Settings):
    """Everything in a fresh temporary folder, so tests never touch ``storage/``."""

    TESTING = True
    MODEL_RELOAD_INTERVAL = 0.0
    PREDICTION_FLUSH_INTERVAL = 0.0  # rows written before the reply; tests of the background writer set it

    def __init__(self, storage_dir=None):
        storage = Path(storage_dir or tempfile.mkdtemp(prefix="digits-test-"))
        self.STORAGE_DIR = storage
        self.CLASSIFIER_STORAGE = storage / "classifier.pkl"
        self.MODELS_DIR = storage / "models"
        self.DATABASE_URL = f"sqlite:///{storage / 'app.db'}"
        self.ADMIN_TOKEN = ""
        self.REDIS_URL = ""
        self.SIGNING_KEY_FILE = storage / ".signing-key"
        self.PREDICTION_DEAD_LETTER = storage / "dead-letter" / "predictions.jsonl"
        self.MODEL_SIGNING_KEY = "test-signing-key"
