"""Feedback as training data: accepted rows only, each client held to its share of the run."""
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from ..storage.records import Feedback, Prediction, stored_features
from . import share


@dataclass
class FeedbackExamples:
    """The accepted feedback (features (n, 64) uint8, labels) and which of it a training run may use."""

    inputs: np.ndarray
    labels: np.ndarray
    clients: list
    used: np.ndarray  # boolean mask: within every client's share

    def training(self):
        """(features, labels) of the examples a training run uses."""
        return self.inputs[self.used], self.labels[self.used]

    def summary(self):
        """Counts for the log and the command line."""
        return {"accepted": len(self.labels), "used": int(self.used.sum()), "clients": len(set(self.clients))}


def accepted_examples(session, client_share):
    """Every accepted feedback example, oldest first, and the ones within ``client_share`` per client."""
    rows = session.execute(select(Prediction.features, Feedback.label, Feedback.client)
                           .join(Prediction, Feedback.prediction_id == Prediction.id)
                           .where(Feedback.status == "accepted").order_by(Feedback.id)).all()
    inputs = stored_features(row.features for row in rows).reshape(len(rows), 64)
    clients = [row.client for row in rows]
    return FeedbackExamples(inputs, np.array([row.label for row in rows], dtype=np.int64), clients,
                            share.keep(clients, client_share))
