"""The database tables (SQLAlchemy 2 ORM): predictions, feedback on them, model versions, their signed
bytes, the active one, and the blocks of prediction ids handed out."""
from datetime import datetime, timezone

import numpy as np
from sqlalchemy import (JSON, BigInteger, CheckConstraint, DateTime, Float, ForeignKey, Index, Integer,
                        LargeBinary, MetaData, SmallInteger, String, Text, func, insert, select, update)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only auto-increments INTEGER PRIMARY KEY columns; PostgreSQL gets a 64-bit identity.
BigId = BigInteger().with_variant(Integer, "sqlite")

STATUSES = ("training", "ready", "failed")
REVIEW_STATUSES = ("pending", "accepted", "rejected")  # of a feedback: only accepted ones are trained on


def utcnow():
    """The current UTC time, naive: every timestamp is stored as naive UTC on every database."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    """Declarative base with named constraints, so migrations can refer to them on every database."""

    metadata = MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    })


class ModelVersion(Base):
    """One training run; once it has a model, its signed bytes are a ``ModelBlob``."""

    __tablename__ = "model_versions"
    __table_args__ = (
        CheckConstraint("status IN ('training', 'ready', 'failed')", name="status"),
        # At most one training run at a time, across every worker process.
        Index("uq_model_versions_one_training", "status", unique=True,
              sqlite_where="status = 'training'", postgresql_where="status = 'training'"),
    )

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16))
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    samples: Mapped[dict | None] = mapped_column(JSON)
    cv_accuracy: Mapped[float | None] = mapped_column(Float)
    feedback_accuracy: Mapped[float | None] = mapped_column(Float)
    # Accuracy on the trusted reference set (app/recognition/reference.py), overall and per digit.
    reference: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    # When the version was first served (activated); NULL for one never live. The quality gate holds a new
    # version to the best figures of the versions that were live, so a digit cannot drift down version by version.
    live_since: Mapped[datetime | None] = mapped_column(DateTime)


class ModelBlob(Base):
    """A version's signed model bytes (bytea on PostgreSQL, BLOB on SQLite) and their SHA-256.

    In a table of their own, so listing versions never reads megabytes.
    """

    __tablename__ = "model_blobs"

    version: Mapped[int] = mapped_column(ForeignKey("model_versions.version"), primary_key=True,
                                         autoincrement=False)
    checksum: Mapped[str] = mapped_column(String(64))  # SHA-256 of data, hex
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ActiveModel(Base):
    """A single row (id 1) naming the version every worker serves."""

    __tablename__ = "active_model"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int | None] = mapped_column(ForeignKey("model_versions.version"))
    activated: Mapped[datetime | None] = mapped_column(DateTime)


class Prediction(Base):
    """One answered drawing: the image as sent, its 8x8 features and the model's answer.

    A digit of a number (POST /api/predict/number) is a row of its own, with the number's whole image: its
    ``box`` ([x, y, width, height] in the image's pixels) and ``number_id``, the id of the number's first digit,
    which names the number; its digits' ids follow in order, left to right. Both are NULL for a single drawing.
    """

    __tablename__ = "predictions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    image: Mapped[bytes] = mapped_column(LargeBinary)
    features: Mapped[bytes] = mapped_column(LargeBinary)  # 64 bytes, row-major, values 0..16
    digit: Mapped[int] = mapped_column(SmallInteger)
    probabilities: Mapped[list] = mapped_column(JSON)
    model_version: Mapped[int] = mapped_column(ForeignKey("model_versions.version"))
    number_id: Mapped[int | None] = mapped_column(BigId, index=True)
    box: Mapped[list | None] = mapped_column(JSON)


class Feedback(Base):
    """The right answer for one prediction, from a person. One per prediction (UNIQUE).

    ``client`` is a keyed hash of the sender's address; ``status`` says whether training may use it.
    """

    __tablename__ = "feedback"
    __table_args__ = (CheckConstraint("label BETWEEN 0 AND 9", name="label"),
                      CheckConstraint("status IN ('pending', 'accepted', 'rejected')", name="status"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    prediction_id: Mapped[int] = mapped_column(BigId, ForeignKey("predictions.id"), unique=True)
    label: Mapped[int] = mapped_column(SmallInteger)
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    client: Mapped[str | None] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16), server_default="accepted", index=True)
    reviewed: Mapped[datetime | None] = mapped_column(DateTime)


class IdBlock(Base):
    """The next id nobody was given yet, per table whose ids are handed out before its rows are written."""

    __tablename__ = "id_blocks"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    next_id: Mapped[int] = mapped_column(BigInteger)


def reserve_prediction_ids(connection, count):
    """Reserve ``count`` prediction ids for this process -> range (one UPDATE ... RETURNING; commit it).

    Starts after the highest stored id too, so rows inserted some other way are never overwritten.
    """
    highest = select(func.coalesce(func.max(Prediction.id), 0) + 1).scalar_subquery()
    start = func.max(IdBlock.next_id, highest) if connection.dialect.name == "sqlite" else \
        func.greatest(IdBlock.next_id, highest)
    end = connection.execute(update(IdBlock).where(IdBlock.name == "predictions")
                             .values(next_id=start + count).returning(IdBlock.next_id)).scalar_one()
    return range(end - count, end)


def next_prediction_id(connection):
    """The lowest prediction id nobody was given yet."""
    return connection.execute(select(IdBlock.next_id).where(IdBlock.name == "predictions")).scalar_one()


def stored_features(blobs):
    """``Prediction.features`` blobs (64 bytes each, as ``prediction_row`` stores them) -> (n, 8, 8) uint8."""
    blobs = list(blobs)
    return np.frombuffer(b"".join(blobs), dtype=np.uint8).reshape(len(blobs), 8, 8)


def prediction_row(prediction_id, image, features, prediction, version, number_id=None, box=None):
    """The predictions row of one answered drawing (of a digit of number ``number_id``, in ``box``)."""
    return {
        "id": prediction_id,
        "created": utcnow(),
        "image": bytes(image),
        "features": features.astype("uint8").tobytes(),
        "digit": int(prediction.digit),
        "probabilities": [round(float(p), 6) for p in prediction.probabilities],
        "model_version": version,
        "number_id": number_id,
        "box": None if box is None else [int(v) for v in box],
    }


def insert_predictions(connection, rows):
    """INSERT prediction rows in one statement (a Core executemany: the ORM's machinery gives nothing here)."""
    connection.execute(insert(Prediction.__table__), rows)
