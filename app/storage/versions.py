"""Model version rows: start a training run, report progress, finish or fail it, activate, list."""
from datetime import timedelta

from sqlalchemy import exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..exceptions import ModelNotReadyError, TrainingInProgressError, UnknownModelError
from ..recognition.model import SOURCES
from .records import ActiveModel, ModelVersion, utcnow

MAX_VERSION = 2**31 - 1  # an INTEGER column: larger numbers are unknown without asking the database
STALE_ERROR = ("The training stopped making progress for {seconds:.0f} s: its process ended (restart or crash), "
               "or no worker took it from the queue.")


def _training_in_progress(session):
    """The error for a second training run, naming the one that is running."""
    running = session.scalar(select(ModelVersion.version).where(ModelVersion.status == "training"))
    where = f"Version {running} is" if running else "Another version is"
    return TrainingInProgressError(f"{where} training now. Wait until its status is ready or failed, then try again.")


def fail_stale(session, timeout):
    """Mark training runs that made no progress for ``timeout`` seconds as failed (their process died)."""
    session.execute(update(ModelVersion)
                    .where(ModelVersion.status == "training",
                           ModelVersion.updated < utcnow() - timedelta(seconds=timeout))
                    .values(status="failed", error=STALE_ERROR.format(seconds=timeout), updated=utcnow()))
    session.commit()


def create(session, params, status="training", **fields):
    """Insert the next version number (max + 1) -> version. A second concurrent training run is
    ``TrainingInProgressError``."""
    next_version = select(func.coalesce(func.max(ModelVersion.version), 0) + 1).scalar_subquery()
    statement = insert(ModelVersion).values(version=next_version, status=status, params=params,
                                            progress=1.0 if status == "ready" else 0.0,
                                            created=utcnow(), updated=utcnow(), **fields)
    try:
        version = session.execute(statement.returning(ModelVersion.version)).scalar_one()
        session.commit()
    except IntegrityError:  # the one-training index, or another process took the same number
        session.rollback()
        raise _training_in_progress(session) from None
    return version


def _update_training(session, version, **values):
    """Update a version that is still training; False when it is not (declared stale meanwhile)."""
    result = session.execute(update(ModelVersion)
                             .where(ModelVersion.version == version, ModelVersion.status == "training")
                             .values(updated=utcnow(), **values))
    session.commit()
    return result.rowcount == 1


def set_progress(session, version, progress):
    """Record how far a training run is (0..1); also its heartbeat."""
    return _update_training(session, version, progress=round(float(progress), 4))


def beat(session, version):
    """A training run's heartbeat between progress reports; False when it is no longer training."""
    return _update_training(session, version)


def finish(session, version, metadata, feedback_accuracy):
    """A training run ended well: ready, with the figures from the model's metadata."""
    return _update_training(session, version, status="ready", progress=1.0, params=metadata["params"],
                            samples=metadata["samples"], cv_accuracy=metadata["cv_accuracy"],
                            feedback_accuracy=feedback_accuracy, reference=metadata.get("reference"))


def set_reference(session, version, reference):
    """Store a version's accuracy on the reference set (measured after it was trained)."""
    session.execute(update(ModelVersion).where(ModelVersion.version == version).values(reference=reference))
    session.commit()


def fail(session, version, error):
    """A training run ended with ``error``."""
    return _update_training(session, version, status="failed", error=str(error)[:2000])


def active_version(session):
    """The version every worker should serve, or None before the first one."""
    return session.scalar(select(ActiveModel.version).where(ActiveModel.id == 1))


def get(session, version):
    """One version's row, or None."""
    return session.get(ModelVersion, version)


def _unknown(version):
    return UnknownModelError(f"There is no model version {version}. GET /api/models lists them.")


def find(session, version):
    """One version's row; ``UnknownModelError`` when there is none."""
    row = get(session, version) if 0 < version <= MAX_VERSION else None
    if row is None:
        raise _unknown(version)
    return row


def listing(session):
    """Every version, newest first."""
    return session.scalars(select(ModelVersion).order_by(ModelVersion.version.desc())).all()


def live_versions(session):
    """Every version that was ever served (activated), oldest first."""
    return session.scalars(select(ModelVersion.version).where(ModelVersion.live_since.is_not(None))
                           .order_by(ModelVersion.version)).all()


def activate(session, version):
    """Make a ready ``version`` the one every worker serves (one UPDATE), and record that it was live;
    ``UnknownModelError``, ``ModelNotReadyError``."""
    if not 0 < version <= MAX_VERSION:
        raise _unknown(version)
    is_ready = exists().where(ModelVersion.version == version, ModelVersion.status == "ready")
    now = utcnow()
    result = session.execute(update(ActiveModel).where(ActiveModel.id == 1, is_ready)
                             .values(version=version, activated=now))
    if result.rowcount == 1:
        session.execute(update(ModelVersion).where(ModelVersion.version == version, ModelVersion.live_since.is_(None))
                        .values(live_since=now))
        session.commit()
        return find(session, version)
    session.commit()
    row = find(session, version)
    raise ModelNotReadyError(f"Version {version} is {row.status}, not ready: only a ready version can be activated.")


def to_json(row, active, timeout=None):
    """A version as the API shows it; a training run without progress for ``timeout`` s shows as failed."""
    status, error = row.status, row.error
    if status == "training" and timeout and row.updated < utcnow() - timedelta(seconds=timeout):
        status, error = "failed", STALE_ERROR.format(seconds=timeout)
    return {
        "version": row.version,
        "status": status,
        "progress": row.progress,
        "active": row.version == active,
        "created": row.created.isoformat(timespec="seconds") + "Z",
        "params": row.params,
        "samples": row.samples and {name: row.samples.get(name, 0) for name in SOURCES},
        "cv_accuracy": row.cv_accuracy,
        "feedback_accuracy": row.feedback_accuracy,
        "reference": row.reference,
        "error": error,
    }
