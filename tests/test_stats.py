"""GET /api/stats: the contract's shape and its figures, from SQL aggregates, on SQLite and PostgreSQL."""
from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import event, insert

from app.storage import versions
from app.storage.records import Feedback, Prediction, utcnow
from tests.db_fixtures import BOTH_DATABASES

pytestmark = BOTH_DATABASES

# (predicted digit, true label or None, model version, days ago)
HISTORY = [
    (7, 7, 1, 0), (7, 1, 1, 0), (1, 1, 1, 0), (3, None, 1, 0),
    (2, 2, 2, 1), (0, 6, 2, 1), (6, 6, 2, 1), (9, None, 2, 1),
    (5, 5, 2, 45),  # older than the daily window, still in every total
]


@pytest.fixture
def history(quick_app):
    """HISTORY stored as predictions and feedback (version 2 registered as a ready version)."""
    database = quick_app.extensions["database"]
    with database.Session() as session:
        versions.create(session, {"n_neighbors": 3}, status="ready")
        for digit, label, version, days_ago in HISTORY:
            when = utcnow() - timedelta(days=days_ago)
            probabilities = np.eye(10)[digit].tolist()
            prediction_id = session.execute(insert(Prediction).returning(Prediction.id), {
                "created": when, "image": b"png", "features": bytes(64), "digit": digit,
                "probabilities": probabilities, "model_version": version}).scalar_one()
            if label is not None:
                session.execute(insert(Feedback), {"prediction_id": prediction_id, "label": label, "created": when})
        session.commit()
    return quick_app


def test_figures(history):
    body = history.test_client().get("/api/stats").get_json()
    assert list(body) == ["prediction_count", "feedback_count", "accuracy", "per_digit", "confusion_matrix",
                          "per_model", "daily"]
    assert body["prediction_count"] == 9
    assert body["feedback_count"] == 7
    assert body["accuracy"] == round(5 / 7, 4)
    per_digit = {row["digit"]: row for row in body["per_digit"]}
    assert [row["digit"] for row in body["per_digit"]] == list(range(10))
    assert per_digit[1] == {"digit": 1, "count": 2, "correct": 1, "accuracy": 0.5}
    assert per_digit[6] == {"digit": 6, "count": 2, "correct": 1, "accuracy": 0.5}
    assert per_digit[7] == {"digit": 7, "count": 1, "correct": 1, "accuracy": 1.0}
    assert per_digit[4] == {"digit": 4, "count": 0, "correct": 0, "accuracy": None}
    assert body["per_model"] == [{"version": 1, "count": 3, "correct": 2, "accuracy": round(2 / 3, 4)},
                                 {"version": 2, "count": 4, "correct": 3, "accuracy": 0.75}]


def test_confusion_matrix_rows_are_true_labels(history):
    matrix = history.test_client().get("/api/stats").get_json()["confusion_matrix"]
    assert len(matrix) == 10 and all(len(row) == 10 for row in matrix)
    expected = np.zeros((10, 10), int)
    for digit, label, _, _ in HISTORY:
        if label is not None:
            expected[label, digit] += 1
    assert matrix == expected.tolist()
    assert matrix[1][7] == 1 and matrix[7][1] == 0  # a 1 read as 7, not the other way round


def test_daily_counts_cover_the_last_30_days(history):
    daily = history.test_client().get("/api/stats").get_json()["daily"]
    today, yesterday = (str((utcnow() - timedelta(days=d)).date()) for d in (0, 1))
    assert daily == [{"date": yesterday, "predictions": 4, "feedback": 3},
                     {"date": today, "predictions": 4, "feedback": 3}]


def test_no_feedback_yet(quick_client):
    body = quick_client.get("/api/stats").get_json()
    assert body["prediction_count"] == 0 and body["feedback_count"] == 0
    assert body["accuracy"] is None
    assert body["confusion_matrix"] == [[0] * 10] * 10
    assert body["per_model"] == [] and body["daily"] == []
    assert all(row["accuracy"] is None and row["count"] == 0 for row in body["per_digit"])


def test_follows_the_api(quick_client):
    from tests.test_api import seven_uri

    prediction = quick_client.post("/api/predict", json={"image": seven_uri()}).get_json()
    quick_client.post("/api/feedback", json={"prediction_id": prediction["prediction_id"], "label": 1})
    body = quick_client.get("/api/stats").get_json()
    assert (body["prediction_count"], body["feedback_count"], body["accuracy"]) == (1, 1, 0.0)
    assert body["confusion_matrix"][1][prediction["digit"]] == 1
    assert body["daily"] == [{"date": str(utcnow().date()), "predictions": 1, "feedback": 1}]


def test_a_few_aggregate_queries_whatever_the_number_of_rows(history):
    statements = []

    def record(connection, cursor, statement, *args):
        statements.append(statement)

    engine = history.extensions["database"].engine
    event.listen(engine, "before_cursor_execute", record)
    history.test_client().get("/api/stats")
    event.remove(engine, "before_cursor_execute", record)
    queries = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(queries) == 5
    assert all("count(" in query.lower() for query in queries)
    assert sum("group by" in query.lower() for query in queries) == 4
