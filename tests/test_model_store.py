"""Model versions in the database: stored with their checksum, served by any instance, cached locally,
refused when changed or truncated; migration 0002 moves the version files in; the shared signing key."""
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, insert, select, update

from app import create_app
from app.exceptions import ConfigurationError, ModelIntegrityError, ModelUnavailableError
from app.storage import versions
from app.storage.db import Database
from app.storage.records import ModelBlob, ModelVersion, utcnow
from app.storage.classifier_repo import ClassifierRepo
import settings as settings_module
from tests.db_fixtures import BOTH_DATABASES
from tests.signed import write_signed
from tests.test_api import error_of, seven_uri

ROOT = Path(__file__).resolve().parent.parent


def stored(app, version=1):
    """(checksum, size, data) of ``version``'s row in model_blobs."""
    with app.extensions["database"].Session() as session:
        return session.execute(select(ModelBlob.checksum, ModelBlob.size, ModelBlob.data)
                               .where(ModelBlob.version == version)).one()


def another_instance(settings, tmp_path):
    """An app on the same database with storage of its own (another machine), nothing cached yet."""
    other = settings_module.TestSettings(tmp_path / "other-instance")
    other.DATABASE_URL = settings.DATABASE_URL
    return create_app(other)


@BOTH_DATABASES
class TestStore:
    def test_a_version_is_stored_with_its_checksum(self, quick_app):
        checksum, size, data = stored(quick_app)
        assert checksum == hashlib.sha256(data).hexdigest() and size == len(data) > 100_000
        column = {c["name"]: c["type"] for c in inspect(quick_app.extensions["database"].engine).get_columns("model_blobs")}
        expected = "BYTEA" if quick_app.extensions["database"].url.get_backend_name() == "postgresql" else "BLOB"
        assert column["data"].compile(quick_app.extensions["database"].engine.dialect) == expected

    def test_an_instance_with_empty_storage_serves_the_version_from_the_database(self, quick_app, settings, tmp_path):
        other = another_instance(settings, tmp_path)
        assert not (tmp_path / "other-instance" / "classifier.pkl").exists()
        reply = other.test_client().post("/api/predict", json={"image": seven_uri()}).get_json()
        assert reply["digit"] == 7 and reply["model_version"] == 1
        checksum = stored(quick_app)[0]
        cached = tmp_path / "other-instance" / "models" / f"v1-{checksum}.pkl"
        assert cached.read_bytes() == stored(quick_app)[2]  # its local cache, keyed by version and checksum

    def test_a_damaged_cached_copy_is_fetched_again(self, quick_app, caplog):
        registry = quick_app.extensions["classifier_repo"]
        cached = registry.path(1)
        cached.write_bytes(cached.read_bytes()[:-10])
        model, metadata = registry.load(1)
        assert metadata["version"] == 1 and "does not match its checksum: fetching version 1 again" in caplog.text
        assert hashlib.sha256(cached.read_bytes()).hexdigest() == stored(quick_app)[0]

    @pytest.mark.parametrize("damage,message", [
        (lambda data: {"data": data[:1000] + bytes([data[1000] ^ 1]) + data[1001:]}, "does not match its checksum"),
        (lambda data: {"data": data[:-100]}, "does not match its checksum: it was changed or truncated"),
        (lambda data: {"data": data[:-100], "checksum": hashlib.sha256(data[:-100]).hexdigest()},
         "failed its signature check: it was changed, truncated"),
    ], ids=["changed", "truncated", "truncated-with-its-checksum"])
    def test_a_changed_or_truncated_blob_is_refused(self, quick_app, settings, tmp_path, damage, message, caplog):
        data = stored(quick_app)[2]
        with quick_app.extensions["database"].Session() as session:
            session.execute(update(ModelBlob).where(ModelBlob.version == 1).values(**damage(data)))
            session.commit()
        other = another_instance(settings, tmp_path)
        with pytest.raises(ModelIntegrityError, match=message):
            other.extensions["classifier_repo"].load(1)
        response = other.test_client().post("/api/predict", json={"image": seven_uri()})
        assert response.status_code == 503 and error_of(response) == "model_unavailable"
        assert message in response.get_json()["error"]["message"] and "manage.py train" in caplog.text

    def test_a_version_without_stored_bytes_is_unavailable(self, quick_app, quick_trained):
        with quick_app.extensions["database"].Session() as session:
            version = versions.create(session, quick_trained[1]["params"], status="ready")
        with pytest.raises(ModelUnavailableError, match=f"Model version {version} has no stored model"):
            quick_app.extensions["classifier_repo"].load(version)


@pytest.fixture(params=["sqlite", "postgresql"])
def url_at_0001(request, tmp_path):
    """A database migrated to revision 0001 (version files on disk), with two ready version rows."""
    url = (request.getfixturevalue("postgres_empty_database") if request.param == "postgresql"
           else f"sqlite:///{tmp_path / 'app.db'}")
    database = Database(url)
    database.upgrade("0001")
    with database.Session() as session:
        for version in (1, 2):
            session.execute(insert(ModelVersion).values(version=version, status="ready", progress=1.0, params={},
                                                        created=utcnow(), updated=utcnow()))
        session.commit()
    return url


def test_migration_0002_moves_the_version_files_in_and_back_out(url_at_0001, tmp_path, quick_trained):
    models = tmp_path / "models"
    write_signed(models / "v1.pkl", quick_trained[0], dict(quick_trained[1], version=1), b"key")
    original = (models / "v1.pkl").read_bytes()  # version 2's file is missing: it stays without stored bytes
    database = Database(url_at_0001)
    database.upgrade(models_dir=models)
    registry = ClassifierRepo(database, tmp_path / "cache", b"key")
    assert registry.load(1)[1]["cv_accuracy"] == quick_trained[1]["cv_accuracy"]
    assert registry.blobs.checksum(1) == hashlib.sha256(original).hexdigest()
    with pytest.raises(ModelUnavailableError):
        registry.blobs.checksum(2)
    (models / "v1.pkl").unlink()
    with database.schema_lock(), database.engine.begin() as connection:
        command.downgrade(database.alembic_config(connection, models), "0001")
    assert (models / "v1.pkl").read_bytes() == original and not (models / "v2.pkl").exists()
    assert "model_blobs" not in inspect(database.engine).get_table_names()


class TestSigningKey:
    def test_a_database_server_needs_the_key_from_the_environment(self, postgres_database, tmp_path):
        settings = settings_module.TestSettings(tmp_path)
        settings.DATABASE_URL, settings.MODEL_SIGNING_KEY = postgres_database, ""
        with pytest.raises(ConfigurationError, match="set MODEL_SIGNING_KEY in the environment"):
            create_app(settings)
        assert not (tmp_path / ".signing-key").exists()

    def test_start_up_stops_and_says_what_to_set(self, postgres_database, tmp_path):
        env = dict(os.environ, STORAGE_DIR=str(tmp_path), DATABASE_URL=postgres_database, MODEL_SIGNING_KEY="")
        result = subprocess.run([sys.executable, "manage.py", "models", "list"], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert result.stderr.startswith("error: MODEL_SIGNING_KEY is not set.")

    def test_sqlite_keeps_a_key_file_of_its_own(self, tmp_path):
        settings = settings_module.TestSettings(tmp_path)
        settings.MODEL_SIGNING_KEY = ""
        app = create_app(settings)
        assert app.extensions["classifier_repo"].key == (tmp_path / ".signing-key").read_bytes().strip()
