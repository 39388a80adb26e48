"""``ClassifierFactory`` trains the model; ``write_signed`` / ``read_signed`` store it signed and verify it."""
import hashlib
import hmac
import json
import logging
import os
import pickle
import secrets
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import sklearn
from sklearn.model_selection import GroupKFold
from sklearn.neighbors import KNeighborsClassifier

from .exceptions import ModelIntegrityError, ModelUnavailableError
from .model import DigitClassifier
from .preprocessing import FEATURES_VERSION
from .uncertainty import far_threshold, outlier_score
from .training import VARIANTS, build_training_set, heldout_indices

log = logging.getLogger(__name__)

MAGIC = b"DIGITS-MODEL 1\n"
REBUILD_HINT = "Rebuild it with `python manage.py train` (or `make model`)."


class ClassifierFactory:
    """Builds a ``DigitClassifier`` (k-nearest neighbours) and its metadata.

    The defaults were chosen on a validation split of the training digits by ``benchmarks/tune.py``
    (canvas renderings and grouped CV); see benchmarks/README.md.
    """

    def __init__(self, n_neighbors=5, weights="distance", cv_folds=5, n_variants=VARIANTS):
        self.params = {"n_neighbors": n_neighbors, "weights": weights}
        self.cv_folds = cv_folds
        self.n_variants = n_variants

    def new_estimator(self):
        """An unfitted ``KNeighborsClassifier`` with this factory's parameters."""
        return KNeighborsClassifier(**self.params)

    def fit(self, inputs, labels, sources, far_threshold=None):
        """A ``DigitClassifier`` fitted on these samples (as float32: 0..16 counts are exact, searches 3x faster)."""
        knn = self.new_estimator().fit(np.asarray(inputs, dtype=np.float32), labels)
        return DigitClassifier(knn, inputs, labels, sources, far_threshold=far_threshold)

    def cross_validate(self, training):
        """One grouped pass (folds never split samples derived from one source digit) ->
        (accuracy, each sample's outlier score against the folds without its group)."""
        correct = np.zeros(len(training.labels), dtype=bool)
        scores = np.empty(len(training.labels))
        folds = GroupKFold(n_splits=self.cv_folds).split(training.inputs, groups=training.groups)
        for fit_rows, test_rows in folds:
            model = self.fit(training.inputs[fit_rows], training.labels[fit_rows], training.sources[fit_rows])
            predictions = model.predict(training.inputs[test_rows])
            correct[test_rows] = [p.digit for p in predictions] == training.labels[test_rows]
            scores[test_rows] = [outlier_score([n.distance for n in p.neighbors]) for p in predictions]
        return float(correct.mean()), scores

    def build(self, training=None, progress=None):
        """Train on ``training`` (default: load_digits minus the held-out digits, plus variants)
        -> (DigitClassifier, metadata dict)."""
        started = time.perf_counter()
        report = progress or (lambda fraction: None)  # progress(share of the work done, 0..1)
        training = training or build_training_set(n_variants=self.n_variants)
        report(0.5)
        cv_accuracy, held_out_scores = self.cross_validate(training)
        report(0.9)
        threshold = far_threshold(held_out_scores)
        model = self.fit(training.inputs, training.labels, training.sources, far_threshold=threshold)
        metadata = {
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "sklearn_version": sklearn.__version__,
            "params": dict(self.params),
            "training_samples": len(training.labels),
            "samples": training.counts(),
            "variants_per_digit": self.n_variants,
            "heldout_digits": int(len(heldout_indices())),
            "features_version": FEATURES_VERSION,
            "cv_accuracy": round(cv_accuracy, 4),
            "far_threshold": round(threshold, 3),
            "training_seconds": round(time.perf_counter() - started, 1),
        }
        report(1.0)
        return model, metadata


def resolve_signing_key(config):
    """The model signing key: from settings/env, or a random one created once beside the models."""
    if config.get("MODEL_SIGNING_KEY"):
        return config["MODEL_SIGNING_KEY"].encode()
    path = Path(config["SIGNING_KEY_FILE"])
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as handle:
        handle.write(secrets.token_hex(32).encode())
    return path.read_bytes().strip()


def _signature(key, metadata_bytes, payload):
    mac = hmac.new(key, metadata_bytes, hashlib.sha256)
    mac.update(b"\n")
    mac.update(payload)
    return mac.hexdigest()


def write_signed(path, model, metadata, key):
    """Write ``model`` and ``metadata`` to ``path`` atomically (temp file + rename), HMAC-signed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    metadata_bytes = json.dumps(metadata, sort_keys=True).encode()
    header = {"metadata": metadata, "payload_size": len(payload),
              "hmac_sha256": _signature(key, metadata_bytes, payload)}
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(MAGIC)
            handle.write(json.dumps(header, sort_keys=True).encode() + b"\n")
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_signed(path, key):
    """Read and verify a model file -> (model, metadata). Nothing is unpickled before the HMAC matches."""
    path = Path(path)
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        raise ModelUnavailableError(f"No trained model at {path}. {REBUILD_HINT}") from None
    if not blob.startswith(MAGIC):
        raise ModelIntegrityError(f"{path} is not a signed model file. {REBUILD_HINT}")
    header_line, _, payload = blob[len(MAGIC):].partition(b"\n")
    try:
        header = json.loads(header_line)
        metadata = header["metadata"]
        expected = header["hmac_sha256"]
    except (ValueError, KeyError, TypeError):
        raise ModelIntegrityError(f"{path} has a damaged header. {REBUILD_HINT}") from None
    metadata_bytes = json.dumps(metadata, sort_keys=True).encode()
    if not hmac.compare_digest(_signature(key, metadata_bytes, payload), str(expected)):
        raise ModelIntegrityError(
            f"{path} failed its signature check: it was changed, truncated or signed with another key. "
            + REBUILD_HINT)
    if metadata.get("sklearn_version") != sklearn.__version__:
        raise ModelIntegrityError(
            f"{path} was trained with scikit-learn {metadata.get('sklearn_version')}, "
            f"this is {sklearn.__version__}. {REBUILD_HINT}")
    if metadata.get("features_version", 1) != FEATURES_VERSION:
        raise ModelIntegrityError(
            f"{path} was trained on features of preprocessing version {metadata.get('features_version', 1)}, "
            f"this is version {FEATURES_VERSION}. {REBUILD_HINT}")
    return pickle.loads(payload), metadata
