"""The prediction writer through a real PostgreSQL outage: requests are answered, rows are held up to
WRITER_QUEUE_LIMIT and the rest dropped, /api/ready and the log say so, and the held rows are written once the
database is back."""
import logging
from contextlib import contextmanager

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from app.storage.records import Prediction
from tests.cluster import wait_until
from tests.test_api import seven_uri

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@pytest.fixture
def outage_app(settings, request):
    """The quick app on its own PostgreSQL database, with the production writer: a thread writing every 50 ms,
    at most 10 rows held, retrying every 0.2 s at most."""
    settings.PREDICTION_FLUSH_INTERVAL = 0.05
    settings.WRITER_QUEUE_LIMIT = 10
    app = request.getfixturevalue("quick_app")
    app.extensions["prediction_writer"].max_backoff = 0.2
    yield app
    app.extensions["prediction_writer"].close()


@contextmanager
def database_down(admin, url):
    """No connection to the app's database (new ones refused, open ones ended) until the block ends."""
    name = make_url(url).database
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                           {"name": name})
    try:
        yield
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))


def stored_ids(app):
    with app.extensions["database"].Session() as session:
        return session.scalars(select(Prediction.id).order_by(Prediction.id)).all()


def test_an_outage_is_answered_through_held_and_counted(outage_app, settings, postgres_admin, caplog):
    caplog.set_level(logging.INFO, logger="app.storage.writer")
    client = outage_app.test_client()
    first = client.post("/api/predict", json={"image": seven_uri()}).get_json()["prediction_id"]  # reserves ids
    assert wait_until(lambda: stored_ids(outage_app) == [first], 10)
    with database_down(postgres_admin, settings.DATABASE_URL):
        replies = [client.post("/api/predict", json={"image": seven_uri()}) for _ in range(25)]
        assert [reply.status_code for reply in replies] == [200] * 25  # every request answered
        held = [reply.get_json()["prediction_id"] for reply in replies if "prediction_id" in reply.get_json()]
        assert len(held) == 10  # WRITER_QUEUE_LIMIT
        ready = client.get("/api/ready")
        assert ready.status_code == 200
        status = ready.get_json()["predictions"]
        assert (status["held"], status["limit"], status["dropped"]) == (10, 10, 15)
        assert "OperationalError" in status["last_error"]
        assert wait_until(lambda: "Database out of reach: 10 predictions held (limit 10), 15 dropped" in caplog.text, 5)
        feedback = client.post("/api/feedback", json={"prediction_id": held[0], "label": 7})
        assert feedback.status_code == 503 and feedback.get_json()["error"]["code"] == "database_unavailable"
    assert wait_until(lambda: stored_ids(outage_app) == [first, *held], 15)  # written once the database is back
    assert outage_app.extensions["prediction_writer"].status()["held"] == 0
    assert "Database back" in caplog.text
    assert client.post("/api/feedback", json={"prediction_id": held[-1], "label": 7}).status_code == 201
