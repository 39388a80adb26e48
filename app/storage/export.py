"""Exporting the feedback examples for analysis or other tools: CSV or NumPy NPZ, chosen by file extension."""
import csv
from pathlib import Path

import numpy as np
from sqlalchemy import select

from .records import Feedback, Prediction, stored_features

COLUMNS = ("feedback_id", "prediction_id", "label", "predicted", "model_version", "status", "client", "created")
FORMATS = (".csv", ".npz")


def feedback_rows(session):
    """Every feedback with its prediction: the COLUMNS, then the features bytes."""
    return session.execute(select(Feedback.id, Feedback.prediction_id, Feedback.label, Prediction.digit,
                                  Prediction.model_version, Feedback.status, Feedback.client, Feedback.created,
                                  Prediction.features)
                           .select_from(Feedback).join(Prediction, Feedback.prediction_id == Prediction.id)
                           .order_by(Feedback.id)).all()


def write_csv(path, rows):
    """One line per feedback: the columns above, then the 64 features f0..f63 (row-major, 0..16)."""
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS + tuple(f"f{i}" for i in range(64)))
        for *fields, created, features in rows:
            writer.writerow(fields + [created.isoformat(timespec="seconds") + "Z"] + list(features))


def write_npz(path, rows):
    """Arrays: inputs (n, 8, 8) uint8, labels, predicted, prediction_ids, model_versions, statuses (review)."""
    np.savez_compressed(path, inputs=stored_features(row.features for row in rows),
                        labels=np.array([row.label for row in rows], dtype=np.int64),
                        predicted=np.array([row.digit for row in rows], dtype=np.int64),
                        prediction_ids=np.array([row.prediction_id for row in rows], dtype=np.int64),
                        model_versions=np.array([row.model_version for row in rows], dtype=np.int64),
                        statuses=np.array([row.status for row in rows], dtype="U8"))


def export(session, path):
    """Write every feedback example to ``path`` (.csv or .npz) -> how many."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"Unknown export format {path.suffix or '(none)'}: name the file .csv or .npz.")
    rows = feedback_rows(session)
    (write_csv if suffix == ".csv" else write_npz)(path, rows)
    return len(rows)
