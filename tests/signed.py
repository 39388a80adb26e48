"""Test helper: a signed model file on disk, as ``ClassifierRepo`` adopts one (CLASSIFIER_STORAGE)."""
from app.storage.model_file import sign, write_atomically


def write_signed(path, model, metadata, key):
    """Write ``model`` and ``metadata`` to ``path``, HMAC-signed with ``key``."""
    write_atomically(path, sign(model, metadata, key))
