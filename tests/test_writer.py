"""app.storage.writer: predictions queued by the request and written in batches, ids handed out before the rows exist."""
import base64
import json
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import OperationalError

from app.storage import records
from app.storage.records import Prediction, utcnow
from app.storage.writer import PredictionWriter
from tests.cluster import wait_until
from tests.db_fixtures import BOTH_DATABASES
from tests.test_api import seven_uri

pytestmark = BOTH_DATABASES
FEATURES = np.full((8, 8), 8, np.uint8)


@pytest.fixture
def background_app(quick_app):
    """The quick app with the production writer: rows written by its thread, an hour apart unless flushed."""
    writer = PredictionWriter(quick_app.extensions["database"], interval=3600.0, flush_rows=10_000, wait=0.5)
    quick_app.extensions["prediction_writer"] = writer
    yield quick_app
    writer.close()


def stored_ids(app):
    with app.extensions["database"].Session() as session:
        return session.scalars(select(Prediction.id).order_by(Prediction.id)).all()


def answer(app):
    return app.extensions["classifier_repo"].current().model.predict_one(FEATURES)


def test_the_reply_names_a_prediction_that_is_written_later(background_app):
    reply = background_app.test_client().post("/api/predict", json={"image": seven_uri()}).get_json()
    assert stored_ids(background_app) == []
    background_app.extensions["prediction_writer"].flush()
    assert stored_ids(background_app) == [reply["prediction_id"]]


def test_feedback_on_a_queued_prediction_is_stored(background_app):
    client = background_app.test_client()
    prediction_id = client.post("/api/predict", json={"image": seven_uri()}).get_json()["prediction_id"]
    response = client.post("/api/feedback", json={"prediction_id": prediction_id, "label": 7})
    assert response.status_code == 201
    assert stored_ids(background_app) == [prediction_id]
    assert client.post("/api/feedback", json={"prediction_id": prediction_id, "label": 1}).status_code == 409


def test_feedback_waits_for_a_prediction_another_process_has_queued(background_app):
    """A second writer on the same database stands for another worker process, whose thread flushes every 50 ms."""
    other = PredictionWriter(background_app.extensions["database"], interval=0.05, flush_rows=10_000)
    try:
        prediction_id = other.submit(b"png", FEATURES, answer(background_app), 1)
        response = background_app.test_client().post("/api/feedback", json={"prediction_id": prediction_id, "label": 3})
        assert response.status_code == 201
    finally:
        other.close()


def test_an_id_nobody_was_given_is_unknown_without_waiting(background_app):
    writer = background_app.extensions["prediction_writer"]
    given = writer.submit(b"png", FEATURES, answer(background_app), 1)
    with background_app.extensions["database"].engine.connect() as connection:
        never_given = records.next_prediction_id(connection)
    assert never_given > given
    assert writer.written(never_given) is False
    response = background_app.test_client().post("/api/feedback", json={"prediction_id": never_given, "label": 3})
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "unknown_prediction"


def test_processes_get_disjoint_ids_and_every_row_is_written(background_app):
    database = background_app.extensions["database"]
    writers = [PredictionWriter(database, interval=0.01, flush_rows=8, id_block=7) for _ in range(3)]
    prediction = answer(background_app)
    with ThreadPoolExecutor(max_workers=6) as pool:
        ids = list(pool.map(lambda i: writers[i % 3].submit(b"png", FEATURES, prediction, 1), range(120)))
    for writer in writers:
        writer.close()
    assert len(set(ids)) == 120
    assert stored_ids(background_app) == sorted(ids)


def test_a_failed_write_keeps_its_rows_for_the_next_one(background_app, monkeypatch):
    writer = background_app.extensions["prediction_writer"]
    ids = [writer.submit(b"png", FEATURES, answer(background_app), 1) for _ in range(3)]

    def unavailable(_connection, _rows):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr("app.storage.writer.insert_predictions", unavailable)
    with pytest.raises(OperationalError):
        writer.flush()
    assert writer.status()["held"] == 3 and "database is locked" in writer.status()["last_error"]
    monkeypatch.undo()
    writer.close()
    assert stored_ids(background_app) == ids


def insert_row(app, prediction_id):
    """A predictions row inserted behind the writer's back (as if a write whose acknowledgement was lost)."""
    with app.extensions["database"].Session() as session:
        session.execute(insert(Prediction), {"id": prediction_id, "created": utcnow(), "image": b"other",
                                             "features": bytes(64), "digit": 1, "probabilities": [0.1] * 10,
                                             "model_version": 1})
        session.commit()


def test_a_row_refused_for_good_is_set_aside_and_the_rows_around_it_are_written(background_app, caplog):
    writer = background_app.extensions["prediction_writer"]
    writer.dead_letter = background_app.config["PREDICTION_DEAD_LETTER"]
    ids = [writer.submit(b"png", FEATURES, answer(background_app), 1) for _ in range(3)]
    insert_row(background_app, ids[1])  # the queued row for ids[1] now fails with a duplicate key, for ever
    writer.flush()
    assert stored_ids(background_app) == ids
    [refused] = [json.loads(line) for line in writer.dead_letter.read_text().splitlines()]
    assert refused["id"] == ids[1] and refused["reason"].startswith("IntegrityError")
    assert base64.b64decode(refused["image"]) == b"png" and bytes.fromhex(refused["features"]) == FEATURES.tobytes()
    assert f"Prediction {ids[1]} refused by the database" in caplog.text and "IntegrityError" in caplog.text
    assert writer.status() == {"held": 0, "limit": 10_000, "dropped": 0, "dead_lettered": 1, "last_error": None}
    later = writer.submit(b"png", FEATURES, answer(background_app), 1)
    writer.flush()
    assert stored_ids(background_app) == [*ids, later]


def test_the_writer_thread_never_sticks_on_a_refused_row(background_app):
    """The thread writes once 21 rows wait: a row refused for good does not hold up the 20 queued after it."""
    writer = PredictionWriter(background_app.extensions["database"], interval=3600.0, flush_rows=21)
    try:
        bad = writer.submit(b"png", FEATURES, answer(background_app), 1)
        insert_row(background_app, bad)
        good = [writer.submit(b"png", FEATURES, answer(background_app), 1) for _ in range(20)]
        assert wait_until(lambda: set(good) <= set(stored_ids(background_app)), 10)
        assert writer.status()["held"] == 0 and writer.status()["dead_lettered"] == 1
    finally:
        writer.close()


def test_a_full_queue_answers_without_storing_and_counts_what_it_drops(background_app, monkeypatch):
    writer = background_app.extensions["prediction_writer"]
    writer.queue_limit = 2
    client = background_app.test_client()
    replies = [client.post("/api/predict", json={"image": seven_uri()}) for _ in range(4)]
    assert [reply.status_code for reply in replies] == [200] * 4
    assert ["prediction_id" in reply.get_json() for reply in replies] == [True, True, False, False]
    ready = client.get("/api/ready").get_json()
    assert ready["predictions"]["held"] == 2 and ready["predictions"]["dropped"] == 2
    writer.flush()
    assert stored_ids(background_app) == [reply.get_json()["prediction_id"] for reply in replies[:2]]


def test_ids_start_after_rows_inserted_some_other_way(background_app):
    with background_app.extensions["database"].Session() as session:
        session.execute(insert(Prediction), {"id": 500, "created": utcnow(), "image": b"png", "features": bytes(64),
                                             "digit": 1, "probabilities": [0.1] * 10, "model_version": 1})
        session.commit()
    assert background_app.extensions["prediction_writer"].submit(b"png", FEATURES, answer(background_app), 1) > 500


def test_closing_writes_what_is_queued_and_stops_the_thread(background_app):
    writer = background_app.extensions["prediction_writer"]
    ids = [writer.submit(b"png", FEATURES, answer(background_app), 1) for _ in range(5)]
    assert writer._thread.is_alive()
    writer.close()
    assert stored_ids(background_app) == ids
    writer._thread.join(2)
    assert not writer._thread.is_alive()
