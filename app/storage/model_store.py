"""Model versions' signed bytes in the database, with a local cache keyed by version and checksum.

Every instance reads a version from the ``model_blobs`` table the first time it needs it and keeps a
copy in CACHE_DIR/v<version>-<sha256>.pkl; the database stays the one source. A cached copy whose
bytes no longer hash to the stored checksum is fetched again; a stored blob whose bytes do not hash to
its checksum (changed or truncated) is refused.
"""
import hashlib
import logging
from pathlib import Path

from sqlalchemy import insert, select

from ..exceptions import ModelIntegrityError, ModelUnavailableError
from .model_file import REBUILD_HINT, write_atomically
from .records import ModelBlob, utcnow

log = logging.getLogger(__name__)


def checksum_of(data):
    """SHA-256 of ``data``, hex: the blob's checksum."""
    return hashlib.sha256(data).hexdigest()


def blob_row(version, data):
    """The ``model_blobs`` row of ``data`` as version ``version``."""
    return {"version": version, "checksum": checksum_of(data), "size": len(data), "data": bytes(data),
            "created": utcnow()}


class ModelStore:
    """Signed model bytes per version: saved in the database, read through a local cache folder."""

    def __init__(self, database, cache_dir):
        self.database = database
        self.cache_dir = Path(cache_dir)

    def save(self, version, data):
        """Store version ``version``'s signed bytes with their checksum (one INSERT) -> the checksum."""
        row = blob_row(version, data)
        with self.database.Session() as session:
            session.execute(insert(ModelBlob), [row])
            session.commit()
        write_atomically(self.cache_path(version, row["checksum"]), row["data"])
        return row["checksum"]

    def checksum(self, version):
        """The stored checksum of version ``version``; ModelUnavailableError when it has no stored model."""
        with self.database.Session() as session:
            checksum = session.scalar(select(ModelBlob.checksum).where(ModelBlob.version == version))
        if checksum is None:
            raise ModelUnavailableError(f"Model version {version} has no stored model in the database. "
                                        f"Train a new version with `python manage.py train`.")
        return checksum

    def cache_path(self, version, checksum):
        """Where this instance keeps its copy of version ``version`` with ``checksum``."""
        return self.cache_dir / f"v{version}-{checksum}.pkl"

    def fetch(self, version):
        """Version ``version``'s signed bytes -> (bytes, cached path): from the cache when it holds them intact."""
        checksum = self.checksum(version)
        path = self.cache_path(version, checksum)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            pass
        else:
            if checksum_of(data) == checksum:
                return data, path
            log.warning("The cached copy %s does not match its checksum: fetching version %s again", path, version)
        with self.database.Session() as session:
            data = session.scalar(select(ModelBlob.data).where(ModelBlob.version == version))
        if data is None or checksum_of(data) != checksum:
            raise ModelIntegrityError(f"Model version {version} in the database does not match its checksum: "
                                      f"it was changed or truncated. {REBUILD_HINT}")
        write_atomically(path, data)
        return data, path
