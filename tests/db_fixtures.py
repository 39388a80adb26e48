"""Pytest plugin: the test's database (SQLite or PostgreSQL) and an app serving a quickly trained model version."""
import functools
import threading

import numpy as np
import pytest

from app import create_app
from app.storage import db
from app.recognition import training_set
from app.recognition.classifier_factory import ClassifierFactory
from app.recognition.training_set import TrainingSet, add_feedback, load_base_digits
from tests.signed import write_signed

ADMIN_TOKEN = "test-admin-token"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
# Apply to a module (pytestmark) to run each of its tests on SQLite and on PostgreSQL.
BOTH_DATABASES = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture(autouse=True)
def dispose_engines(monkeypatch):
    """Close every engine a test opened, so no connection outlives its test (or its database)."""
    opened = []
    original = db.Database.__init__

    def recording(self, *args, **kwargs):
        original(self, *args, **kwargs)
        opened.append(self)

    monkeypatch.setattr(db.Database, "__init__", recording)
    yield
    for database in opened:
        database.engine.dispose()


@pytest.fixture
def database_url(request):
    """None: the test's own SQLite file (TestSettings); parametrized "postgresql": a fresh PostgreSQL database."""
    if getattr(request, "param", "sqlite") == "postgresql":
        return request.getfixturevalue("postgres_database")
    return None


def quick_training_set(feedback_inputs=None, feedback_labels=None, **_):
    """load_digits as shipped (no redrawing, no variants) plus feedback: trains in well under a second."""
    inputs, labels = load_base_digits()
    base = TrainingSet(inputs, labels, np.zeros(len(labels), np.uint8), np.arange(len(labels)))
    return add_feedback(base, feedback_inputs, feedback_labels)


@pytest.fixture(scope="session")
def quick_trained():
    """(model, metadata) from quick_training_set: for tests about storage and versions, not accuracy."""
    return ClassifierFactory(cv_folds=2).build(quick_training_set())


@pytest.fixture
def quick_app(settings, quick_trained, monkeypatch):
    """An app serving the quick model as version 1 (adopted from CLASSIFIER_STORAGE); it trains quickly too.

    Training threads it started are joined afterwards: none outlives its test (or its database).
    """
    settings.ADMIN_TOKEN = ADMIN_TOKEN
    write_signed(settings.CLASSIFIER_STORAGE, *quick_trained, key=settings.MODEL_SIGNING_KEY.encode())
    monkeypatch.setattr(training_set, "build_training_set", quick_training_set)
    app = create_app(settings)
    app.extensions["classifier_factory"] = functools.partial(ClassifierFactory, cv_folds=2)
    yield app
    for thread in threading.enumerate():
        if thread.name.startswith("train-v"):
            thread.join(60)


@pytest.fixture
def quick_client(quick_app):
    return quick_app.test_client()
