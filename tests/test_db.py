"""app.storage.db: Alembic migrations on SQLite and PostgreSQL, concurrent start-ups, SQLite settings, database errors."""
from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import insert, inspect, text
from sqlalchemy.orm import Session

from app import create_app
from app.storage.db import SCHEMA_HEAD, Database
from app.storage import records, versions
from app.storage.records import Prediction, utcnow
from tests.test_api import error_of, seven_uri

TABLES = {"active_model", "alembic_version", "feedback", "id_blocks", "model_blobs", "model_versions", "predictions"}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    """An empty database: a new SQLite file, or a new PostgreSQL database without tables."""
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_empty_database")
    return f"sqlite:///{tmp_path / 'sub' / 'app.storage.db'}"


def head(database):
    return ScriptDirectory.from_config(database.alembic_config()).get_current_head()


def test_upgrade_creates_the_schema_and_is_idempotent(empty_url):
    database = Database(empty_url)
    assert database.revision() is None
    database.upgrade()
    database.upgrade()
    assert database.revision() == head(database)
    assert set(inspect(database.engine).get_table_names()) == TABLES
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT id, version FROM active_model")).all() == [(1, None)]


def test_start_up_check_knows_the_newest_migration(tmp_path):
    """SCHEMA_HEAD (checked at start-up without Alembic) names Alembic's head: bump it with each migration."""
    assert SCHEMA_HEAD == head(Database(f"sqlite:///{tmp_path / 'app.storage.db'}"))


def test_upgrade_runs_the_migrations_when_the_schema_is_behind(empty_url):
    database = Database(empty_url)
    database.upgrade()
    with database.engine.begin() as connection:
        command.downgrade(database.alembic_config(connection), "base")
    assert database.revision() is None
    database.upgrade()
    assert database.revision() == SCHEMA_HEAD
    assert set(inspect(database.engine).get_table_names()) == TABLES


def test_migrations_match_the_models(empty_url):
    """app/storage/records.py and migrations/ describe the same schema (autogenerate finds nothing to do)."""
    database = Database(empty_url)
    database.upgrade()
    with database.engine.begin() as connection:
        command.check(database.alembic_config(connection))


def test_downgrade_and_upgrade_again(empty_url):
    database = Database(empty_url)
    database.upgrade()
    with database.schema_lock(), database.engine.begin() as connection:
        command.downgrade(database.alembic_config(connection), "base")
    assert set(inspect(database.engine).get_table_names()) <= {"alembic_version"}
    database.upgrade()
    assert database.revision() == head(database)


def test_workers_starting_together_migrate_once(empty_url):
    """Several workers upgrading at the same moment: one migrates, the others wait and find nothing to do."""
    databases = [Database(empty_url) for _ in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda database: database.upgrade(), databases))
    assert {database.revision() for database in databases} == {head(databases[0])}
    for database in databases:
        database.engine.dispose()


def test_sqlite_uses_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'app.storage.db'}")
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_create_app_migrates(settings):
    app = create_app(settings)
    assert app.extensions["database"].revision() == head(app.extensions["database"])


def test_unusable_database_is_503_in_the_error_shape(quick_app):
    database = quick_app.extensions["database"]
    client = quick_app.test_client()
    prediction_id = client.post("/api/predict", json={"image": seven_uri()}).get_json()["prediction_id"]
    with database.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE feedback")
    response = client.post("/api/feedback", json={"prediction_id": prediction_id, "label": 3})
    assert response.status_code == 503 and error_of(response) == "database_unavailable"
    assert "manage.py db upgrade" in response.get_json()["error"]["message"]


def test_feedback_from_before_review_is_accepted_after_the_migration(empty_url):
    """0003 keeps older feedback trainable (accepted) from no known client, and adds the reference column."""
    database = Database(empty_url)
    database.upgrade("0001")
    with database.engine.begin() as connection:
        connection.execute(text("INSERT INTO model_versions (version, created, updated, status, progress, params) "
                                "VALUES (1, '2026-11-01', '2026-11-01', 'ready', 1, '{}')"))
        connection.execute(text("INSERT INTO predictions (id, created, image, features, digit, probabilities, "
                                "model_version) VALUES (1, '2026-11-01', :png, :png, 7, '[]', 1)"), {"png": b"x"})
        connection.execute(text("INSERT INTO feedback (id, prediction_id, label, created) "
                                "VALUES (1, 1, 3, '2026-11-01')"))
    database.upgrade()
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT status, client, reviewed FROM feedback")).one() == ("accepted", None,
                                                                                                    None)
        assert connection.execute(text("SELECT reference FROM model_versions")).scalar() is None


def test_the_migration_starts_prediction_ids_after_the_stored_ones(empty_url):
    database = Database(empty_url)
    database.upgrade("0001")
    with database.engine.begin() as connection:
        connection.execute(text("INSERT INTO model_versions (version, created, updated, status, progress, params) "
                                "VALUES (1, :now, :now, 'ready', 1.0, '{}')"), {"now": utcnow()})
        connection.execute(insert(Prediction), {"id": 41, "created": utcnow(), "image": b"png", "features": bytes(64),
                                                "digit": 1, "probabilities": [0.1] * 10, "model_version": 1})
    database.upgrade()
    with database.engine.connect() as connection:
        assert records.next_prediction_id(connection) == 42
    with database.engine.begin() as connection:
        command.downgrade(database.alembic_config(connection), "0001")
    assert database.revision() == "0001"


def test_the_migration_marks_the_active_and_the_first_shipped_versions_live(empty_url):
    """0006: which versions were served before is not known; the first ready one and the active one were."""
    database = Database(empty_url)
    database.upgrade("0005")
    with database.engine.begin() as connection:
        for version, status in ((1, "failed"), (2, "ready"), (3, "ready"), (4, "ready")):
            connection.execute(text("INSERT INTO model_versions (version, created, updated, status, progress, params) "
                                    "VALUES (:version, :now, :now, :status, 1.0, '{}')"),
                               {"version": version, "now": utcnow(), "status": status})
        connection.execute(text("UPDATE active_model SET version = 4, activated = :now WHERE id = 1"), {"now": utcnow()})
    database.upgrade()
    with database.engine.connect() as connection:
        assert versions.live_versions(Session(connection)) == [2, 4]
