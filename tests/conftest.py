"""Fixtures: a model trained once per session, and a fresh app + storage folder per test."""
import shutil

import pytest

from app import create_app
from app.recognition.classifier_factory import ClassifierFactory
from settings import TestSettings
from tests.signed import write_signed

pytest_plugins = ["tests.services", "tests.postgres", "tests.db_fixtures"]


# The session's model: the shipped recipe with fewer variants (a third of its samples, built in a fraction of
# the time). The shipped model itself is trained by `make model` and measured by e2e and the benchmarks.
SESSION_RECIPE = {"n_variants": 2, "handwriting_variants": 1}


@pytest.fixture(scope="session")
def trained():
    """(model, metadata) trained once for the whole session."""
    return ClassifierFactory(**SESSION_RECIPE).build()


@pytest.fixture(scope="session")
def model_file(trained, tmp_path_factory):
    """A signed model file, written once; tests copy it into their own storage."""
    path = tmp_path_factory.mktemp("model") / "classifier.pkl"
    write_signed(path, *trained, key=b"test-signing-key")
    return path


@pytest.fixture
def settings(tmp_path, database_url):
    """Test settings with storage (and the SQLite database, unless parametrized to PostgreSQL) in tmp_path."""
    settings = TestSettings(tmp_path / "storage")
    if database_url:
        settings.DATABASE_URL = database_url
    return settings


@pytest.fixture
def app(settings, model_file):
    """An app whose storage holds the session's trained model."""
    settings.CLASSIFIER_STORAGE.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(model_file, settings.CLASSIFIER_STORAGE)
    return create_app(settings)


@pytest.fixture
def empty_app(settings):
    """An app with no model stored."""
    return create_app(settings)


@pytest.fixture
def client(app):
    return app.test_client()
