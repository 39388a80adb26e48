"""Signed model bytes: a model and its metadata, HMAC-signed; unpickled only after the signature, the
scikit-learn version and the features version all match. Kept in the database (``model_store``),
in local cache files, and in the pre-versions model file (CLASSIFIER_STORAGE).

Kept apart from ``ClassifierFactory`` so serving never imports the training code (start-up time).
"""
import hashlib
import hmac
import io
import json
import os
import pickle
import secrets
import tempfile
from importlib.metadata import version
from pathlib import Path

from ..exceptions import ConfigurationError, ModelIntegrityError, ModelUnavailableError
from ..recognition.preprocessing import FEATURES_VERSION

MAGIC = b"DIGITS-MODEL 1\n"
# Read from the installed package's metadata: importing scikit-learn would cost serving over a second.
SKLEARN_VERSION = version("scikit-learn")
REBUILD_HINT = "Rebuild it with `python manage.py train` (or `make model`)."
# Modules that moved when app/ was grouped by concern: versions stored before still load.
MOVED_MODULES = {"app.model": "app.recognition.model"}


class _ModelUnpickler(pickle.Unpickler):
    """Unpickles a verified payload, finding classes of modules that have moved under their new name."""

    def find_class(self, module, name):
        return super().find_class(MOVED_MODULES.get(module, module), name)


SHARED_KEY_NEEDED = (
    "MODEL_SIGNING_KEY is not set. With DATABASE_URL on a database server, every instance and worker "
    "must sign and verify model versions with the same secret: set MODEL_SIGNING_KEY in the environment "
    "of each of them, e.g. to the output of `python -c 'import secrets; print(secrets.token_hex(32))'`.")


def resolve_signing_key(config, shared=False):
    """The model signing key: from settings/env; on a ``shared`` database it must be; else a random
    one created once beside the models (one machine: SQLite)."""
    if config.get("MODEL_SIGNING_KEY"):
        return config["MODEL_SIGNING_KEY"].encode()
    if shared:
        raise ConfigurationError(SHARED_KEY_NEEDED)
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


def sign(model, metadata, key):
    """The signed bytes of ``model`` and ``metadata``: magic line, JSON header with the HMAC, pickle."""
    payload = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    metadata_bytes = json.dumps(metadata, sort_keys=True).encode()
    header = {"metadata": metadata, "payload_size": len(payload),
              "hmac_sha256": _signature(key, metadata_bytes, payload)}
    return MAGIC + json.dumps(header, sort_keys=True).encode() + b"\n" + payload


def verify(blob, key, source):
    """Check signed bytes -> (model, metadata); nothing is unpickled before the HMAC matches.

    ``source`` names where the bytes came from in the error messages (a path, a version in the database).
    """
    if not blob.startswith(MAGIC):
        raise ModelIntegrityError(f"{source} is not a signed model file. {REBUILD_HINT}")
    header_line, _, payload = blob[len(MAGIC):].partition(b"\n")
    try:
        header = json.loads(header_line)
        metadata = header["metadata"]
        expected = header["hmac_sha256"]
    except (ValueError, KeyError, TypeError):
        raise ModelIntegrityError(f"{source} has a damaged header. {REBUILD_HINT}") from None
    metadata_bytes = json.dumps(metadata, sort_keys=True).encode()
    if not hmac.compare_digest(_signature(key, metadata_bytes, payload), str(expected)):
        raise ModelIntegrityError(
            f"{source} failed its signature check: it was changed, truncated or signed with another key. "
            + REBUILD_HINT)
    if metadata.get("sklearn_version") != SKLEARN_VERSION:
        raise ModelIntegrityError(
            f"{source} was trained with scikit-learn {metadata.get('sklearn_version')}, "
            f"this is {SKLEARN_VERSION}. {REBUILD_HINT}")
    if metadata.get("features_version", 1) != FEATURES_VERSION:
        raise ModelIntegrityError(
            f"{source} was trained on features of preprocessing version {metadata.get('features_version', 1)}, "
            f"this is version {FEATURES_VERSION}. {REBUILD_HINT}")
    return _ModelUnpickler(io.BytesIO(payload)).load(), metadata


def write_atomically(path, data):
    """Write ``data`` to ``path`` through a temp file and a rename: readers see the old file or the new one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
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
    return verify(blob, key, path)
