"""The database: one SQLAlchemy engine per app, a session per app context, Alembic migrations at start-up."""
import fcntl
import logging
from contextlib import contextmanager
from pathlib import Path

from flask import current_app, g
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
SQLITE_BUSY_TIMEOUT = 30.0  # seconds a writer waits for another process's write to finish
PG_SCHEMA_LOCK = 60_2026  # pg_advisory_lock key held while one process migrates
# The newest revision in migrations/versions (tests hold it equal to Alembic's head). Checking it with
# one SELECT lets start-up skip importing Alembic (~0.5 s) when the schema is already current.
SCHEMA_HEAD = "0006"


def _sqlite_pragmas(connection, _record):
    """WAL lets readers and one writer work at once across gunicorn workers; foreign keys on."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class Database:
    """An engine and its session factory for one DATABASE_URL (SQLite file or PostgreSQL)."""

    def __init__(self, url):
        self.url = make_url(url)
        if self.is_sqlite:
            Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_engine(self.url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT})
            event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            self.engine = create_engine(self.url, pool_pre_ping=True)
        self.Session = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self):
        return self.url.get_backend_name() == "sqlite"

    @contextmanager
    def schema_lock(self):
        """Held while the schema (or the first model version) is set up: one process at a time."""
        if self.is_sqlite:
            with open(f"{self.url.database}.lock", "a") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed
                yield
            return
        with self.engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": PG_SCHEMA_LOCK})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": PG_SCHEMA_LOCK})
                connection.commit()

    def alembic_config(self, connection=None, models_dir=None):
        """Alembic's configuration for this database; ``connection`` is the one migrations run on,
        ``models_dir`` the folder of model version files from before they were kept in the database."""
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.set_main_option("sqlalchemy.url", self.url.render_as_string(hide_password=False).replace("%", "%%"))
        config.attributes["connection"] = connection
        config.attributes["models_dir"] = models_dir
        return config

    def upgrade(self, revision="head", models_dir=None):
        """Migrate the schema to ``revision`` (Alembic), safe when several workers start at once."""
        with self.schema_lock(), self.engine.begin() as connection:
            if revision == "head" and current_revision(connection) == SCHEMA_HEAD:
                return  # the usual case at start-up: nothing to do, nothing to log
            from alembic import command

            command.upgrade(self.alembic_config(connection, models_dir), revision)

    def revision(self):
        """The schema's current Alembic revision, or None before the first migration."""
        with self.engine.connect() as connection:
            return current_revision(connection)


def current_revision(connection):
    """The revision Alembic recorded in ``alembic_version``, or None before the first migration."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def session():
    """This app context's session: opened on first use, closed (rolled back if uncommitted) at teardown."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["database"].Session()
    return g.db_session


def close_session(_error=None):
    """Close the app context's session, if one was opened."""
    opened = g.pop("db_session", None)
    if opened is not None:
        opened.close()


def init_app(app):
    """Create the app's database, migrate it to the latest schema and wire the session teardown (an unreachable
    database is answered in app/errors.py)."""
    database = Database(app.config["DATABASE_URL"])
    app.extensions["database"] = database
    app.teardown_appcontext(close_session)
    database.upgrade(models_dir=app.config["MODELS_DIR"])
    return database
