"""Model versions, signed, in the database (``ModelStore``), and the active one served from memory.

The active version lives in the database too. Each worker re-reads it (one primary-key SELECT) at most
every MODEL_RELOAD_INTERVAL seconds and loads a new version once (from its local cache, or the
database), so activating a version reaches every worker process of every instance without a restart.
"""
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from . import versions
from .model_file import read_signed, resolve_signing_key, sign, verify
from .model_store import ModelStore
from ..exceptions import ModelIntegrityError, ModelUnavailableError

log = logging.getLogger(__name__)

NO_MODEL = "No trained model is active yet. Train one with `python manage.py train` (or `make model`)."


@dataclass(frozen=True)
class Loaded:
    """The model a worker serves, with its version number and metadata."""

    version: int
    model: object
    metadata: dict


class ClassifierRepo:
    """Gets and updates the model: stores signed versions in the database, serves the active one from memory."""

    def __init__(self, database, models_dir, key, reload_interval=2.0):
        self.database = database
        self.blobs = ModelStore(database, models_dir)
        self.key = key
        self.reload_interval = reload_interval
        self._lock = threading.Lock()
        self._loaded = None
        self._unusable = None  # the version whose file failed to load: not retried every interval
        self._checked_at = float("-inf")

    def path(self, version):
        """This instance's local copy of version ``version`` (a signed model file), fetched when missing."""
        return self.blobs.fetch(version)[1]

    def store(self, version, model, metadata):
        """Store version ``version`` in the database, signed, with its version in the metadata."""
        self.blobs.save(version, sign(model, dict(metadata, version=version), self.key))

    def load(self, version):
        """Read and verify version ``version`` -> (model, metadata)."""
        source = f"Model version {version}"
        model, metadata = verify(self.blobs.fetch(version)[0], self.key, source)
        if metadata.get("version") != version:
            raise ModelIntegrityError(f"{source} holds version {metadata.get('version')}. "
                                      "Train a new version with `python manage.py train`.")
        return model, metadata

    def current(self):
        """The active model (``Loaded``); raises ModelUnavailableError / ModelIntegrityError when none."""
        if self._loaded is None or time.monotonic() - self._checked_at >= self.reload_interval:
            with self._lock:
                if self._loaded is None or time.monotonic() - self._checked_at >= self.reload_interval:
                    self._refresh()
        return self._loaded

    def _refresh(self):
        """Ask the database which version is active; load its file when it is a new one."""
        self._checked_at = time.monotonic()
        try:
            with self.database.Session() as session:
                version = versions.active_version(session)
        except SQLAlchemyError as error:
            if self._loaded is None:
                raise ModelUnavailableError(f"The database cannot be read ({type(error).__name__}). "
                                            "Check DATABASE_URL.") from error
            log.warning("Keeping model version %s: the database cannot be read: %s", self._loaded.version, error)
            return
        if version is None:
            raise ModelUnavailableError(NO_MODEL)
        if (self._loaded is not None and version == self._loaded.version) or version == self._unusable:
            return
        try:
            model, metadata = self.load(version)
        except (ModelUnavailableError, ModelIntegrityError):
            if self._loaded is None:
                raise
            log.exception("Keeping model version %s: version %s cannot be used", self._loaded.version, version)
            self._unusable = version
            return
        self._loaded, self._unusable = Loaded(version, model, metadata), None
        log.info("Serving model version %s (trained %s)", version, metadata.get("created"))

    def expire(self):
        """Check the active version on the next request (after this process activated one)."""
        self._checked_at = float("-inf")

    @property
    def metadata(self):
        """The active model's metadata (with its version), or None when no model can be served."""
        try:
            return self.current().metadata
        except (ModelUnavailableError, ModelIntegrityError):
            return None

    def is_loaded(self):
        return self._loaded is not None

    def adopt(self, legacy_path):
        """Register a pre-versions model file (CLASSIFIER_STORAGE) as version 1, when no version exists yet."""
        legacy_path = Path(legacy_path)
        with self.database.schema_lock(), self.database.Session() as session:
            if not legacy_path.is_file() or versions.listing(session):
                return None
            try:
                model, metadata = read_signed(legacy_path, self.key)
            except (ModelUnavailableError, ModelIntegrityError) as error:
                log.warning("Not adopting %s as a model version: %s", legacy_path, error)
                return None
            version = versions.create(session, metadata["params"], status="ready", samples=metadata.get("samples"),
                                      cv_accuracy=metadata.get("cv_accuracy"), reference=metadata.get("reference"))
            self.store(version, model, metadata)
            versions.activate(session, version)
            log.info("Adopted %s as model version %s", legacy_path, version)
            return version


def init_app(app):
    """The app's ``ClassifierRepo``, as ``app.extensions["classifier_repo"]``."""
    database = app.extensions["database"]
    key = resolve_signing_key(app.config, shared=not database.is_sqlite)
    registry = ClassifierRepo(database, app.config["MODELS_DIR"], key, reload_interval=app.config["MODEL_RELOAD_INTERVAL"])
    app.extensions["classifier_repo"] = registry
    registry.adopt(app.config["CLASSIFIER_STORAGE"])
    try:
        registry.current()  # load once at start-up, so the first request does not pay for it
    except (ModelUnavailableError, ModelIntegrityError) as error:
        app.logger.warning("%s", error)
    return registry
