"""ClassifierRepo: adopting the old single model file, and every worker switching to the active version."""
import pytest

from app import create_app
from app.storage import classifier_repo as classifier_repo_module
from app.storage import versions
from app.storage.model_file import read_signed, sign, verify
from app.exceptions import ModelIntegrityError, ModelUnavailableError
from tests.db_fixtures import ADMIN, BOTH_DATABASES
from tests.test_api import seven_uri

pytestmark = BOTH_DATABASES


def registry_of(app):
    return app.extensions["classifier_repo"]


def add_ready_version(app, model, metadata):
    """Store ``model`` as the next version (ready, not active) -> its number."""
    with app.extensions["database"].Session() as session:
        version = versions.create(session, metadata["params"], status="ready")
    registry_of(app).store(version, model, metadata)
    return version


def activate(app, version):
    with app.extensions["database"].Session() as session:
        versions.activate(session, version)


class TestAdoption:
    def test_the_old_model_file_becomes_version_1(self, quick_app, quick_trained):
        registry = registry_of(quick_app)
        assert registry.current().version == 1
        model, metadata = read_signed(registry.path(1), registry.key)
        assert metadata["version"] == 1 and metadata["cv_accuracy"] == quick_trained[1]["cv_accuracy"]
        assert quick_app.config["CLASSIFIER_STORAGE"].is_file()  # left where it was

    def test_adopted_once_only(self, quick_app, settings):
        second = create_app(settings)
        with second.extensions["database"].Session() as session:
            assert [row.version for row in versions.listing(session)] == [1]

    def test_a_damaged_old_file_is_not_adopted(self, settings, caplog):
        settings.CLASSIFIER_STORAGE.parent.mkdir(parents=True)
        settings.CLASSIFIER_STORAGE.write_bytes(b"garbage")
        app = create_app(settings)
        assert "Not adopting" in caplog.text and "not a signed model file" in caplog.text
        response = app.test_client().post("/api/predict", json={"image": seven_uri()})
        assert response.status_code == 503 and "manage.py train" in response.get_json()["error"]["message"]

    def test_no_model_at_all(self, empty_app):
        with pytest.raises(ModelUnavailableError, match="manage.py train"):
            registry_of(empty_app).current()
        assert registry_of(empty_app).metadata is None


class TestWorkers:
    def test_another_worker_switches_without_a_restart(self, quick_app, settings, quick_trained):
        settings.MODEL_RELOAD_INTERVAL = 3600
        worker = create_app(settings)  # a second process's app on the same database and storage
        assert registry_of(worker).current().version == 1
        version = add_ready_version(quick_app, *quick_trained)
        response = quick_app.test_client().post(f"/api/models/{version}/activate", headers=ADMIN)
        assert response.status_code == 200
        assert registry_of(worker).current().version == 1  # within its interval it does not ask
        registry_of(worker)._checked_at -= 3600  # the interval has passed
        assert registry_of(worker).current().version == version
        reply = worker.test_client().post("/api/predict", json={"image": seven_uri()}).get_json()
        assert reply["model_version"] == version

    def test_checks_the_database_at_most_once_per_interval_and_loads_a_file_once(self, quick_app, quick_trained,
                                                                                 monkeypatch):
        registry = registry_of(quick_app)
        registry.reload_interval = 3600
        asked, loaded = [], []
        monkeypatch.setattr(versions, "active_version", lambda session, real=versions.active_version:
                            asked.append(1) or real(session))
        monkeypatch.setattr(classifier_repo_module, "verify", lambda *args, real=verify:
                            loaded.append(args[2]) or real(*args))
        client = quick_app.test_client()
        for _ in range(20):
            assert client.post("/api/predict", json={"image": seven_uri()}).get_json()["model_version"] == 1
        assert asked == [] and loaded == []
        version = add_ready_version(quick_app, *quick_trained)
        activate(quick_app, version)
        registry.expire()
        for _ in range(5):
            assert registry.current().version == version
        assert len(asked) == 1 and loaded == [f"Model version {version}"]

    def test_a_version_whose_blob_is_damaged_keeps_the_model_in_memory(self, quick_app, quick_trained, caplog):
        registry = registry_of(quick_app)
        with quick_app.extensions["database"].Session() as session:
            version = versions.create(session, quick_trained[1]["params"], status="ready")
        registry.blobs.save(version, b"garbage")
        activate(quick_app, version)
        assert registry.current().version == 1
        assert "cannot be used" in caplog.text and "not a signed model file" in caplog.text

    def test_a_blob_holding_another_version_is_refused(self, quick_app, quick_trained):
        registry = registry_of(quick_app)
        with quick_app.extensions["database"].Session() as session:
            version = versions.create(session, quick_trained[1]["params"], status="ready")
        registry.blobs.save(version, sign(quick_trained[0], dict(quick_trained[1], version=1), registry.key))
        with pytest.raises(ModelIntegrityError, match="holds version 1"):
            registry.load(version)

    def test_health_shows_the_active_version(self, quick_client):
        assert quick_client.get("/api/health").get_json()["model"]["version"] == 1
