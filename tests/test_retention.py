"""app.storage.retention: predictions without feedback are deleted after PREDICTION_RETENTION_DAYS; feedback stays."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.storage.records import Feedback, Prediction
from app.storage.retention import prune
from tests.db_fixtures import BOTH_DATABASES
from tests.test_api import seven_uri

pytestmark = BOTH_DATABASES


def stored_ids(app):
    with app.extensions["database"].Session() as session:
        return session.scalars(select(Prediction.id).order_by(Prediction.id)).all()


def age(app, ids, days):
    """Make predictions ``ids`` ``days`` old."""
    with app.extensions["database"].Session() as session:
        for row in session.scalars(select(Prediction).where(Prediction.id.in_(ids))):
            row.created -= timedelta(days=days)  # in Python: SQLite has no date arithmetic on its text dates
        session.commit()


@pytest.fixture
def predictions(quick_app):
    """Four stored predictions: the first two 31 days old, the first and the third with feedback."""
    client = quick_app.test_client()
    ids = [client.post("/api/predict", json={"image": seven_uri()}).get_json()["prediction_id"] for _ in range(4)]
    for prediction_id in (ids[0], ids[2]):
        assert client.post("/api/feedback", json={"prediction_id": prediction_id, "label": 7}).status_code == 201
    age(quick_app, ids[:2], days=31)
    return ids


def test_old_predictions_without_feedback_go_with_their_images(quick_app, predictions):
    with quick_app.extensions["database"].Session() as session:
        image_bytes = session.scalar(select(func.length(Prediction.image)).where(Prediction.id == predictions[1]))
    assert prune(quick_app.extensions["database"], days=30) == (1, image_bytes)
    assert stored_ids(quick_app) == [predictions[0], *predictions[2:]]
    with quick_app.extensions["database"].Session() as session:
        assert len(session.scalars(select(Feedback)).all()) == 2  # feedback, and the predictions it names, stay
    assert prune(quick_app.extensions["database"], days=30) == (0, 0)


def test_nothing_younger_than_the_retention_goes(quick_app, predictions):
    assert prune(quick_app.extensions["database"], days=32) == (0, 0)
    assert stored_ids(quick_app) == predictions


def test_zero_days_keeps_everything(quick_app, predictions):
    assert prune(quick_app.extensions["database"], days=0) == (0, 0)
    assert stored_ids(quick_app) == predictions


def test_many_rows_are_deleted_in_batches(quick_app, monkeypatch):
    monkeypatch.setattr("app.storage.retention.BATCH", 3)
    client = quick_app.test_client()
    ids = [client.post("/api/predict", json={"image": seven_uri()}).get_json()["prediction_id"] for _ in range(8)]
    age(quick_app, ids, days=40)
    assert prune(quick_app.extensions["database"], days=30)[0] == 8
    assert stored_ids(quick_app) == []
