"""Pytest plugin: a real PostgreSQL server for the session (Debian's postgresql package), a fresh database per test.

initdb into a temporary folder, pg_ctl start on a free loopback port (as the ``postgres`` system user
when running as root: the server refuses to run as root), stopped at the end of the session.
Without the package the PostgreSQL half of the tests is skipped with a message, except under CI=true,
where it fails: `make test` installs the package first (scripts/ensure-postgres.sh).
"""
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.storage.db import Database
from evaluation.processes import free_port
from tests.services import unavailable

SERVER_OPTIONS = "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def _binary(name):
    """A PostgreSQL server program: on PATH, or in Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which(name) or sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found if isinstance(found, str) else (found[-1] if found else None)


def _unavailable(reason):
    """Skip the PostgreSQL tests with a reason, or fail under CI=true."""
    unavailable("postgresql", "ensure-postgres.sh", reason)


def _run(command, user_prefix):
    result = subprocess.run(user_prefix + command, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")


@pytest.fixture(scope="session")
def postgres_server():
    """URL prefix of a PostgreSQL server started for this session: postgresql+psycopg://postgres@127.0.0.1:PORT."""
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not (initdb and pg_ctl):
        _unavailable("initdb and pg_ctl are not installed")
    folder = Path(tempfile.mkdtemp(prefix="digits-pg-"))
    user_prefix = []
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            _unavailable("running as root and there is no postgres system user")
        os.chown(folder, account.pw_uid, account.pw_gid)
        user_prefix = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"
    _run([initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], user_prefix)
    port = free_port()
    _run([pg_ctl, "-D", str(data), "-l", str(folder / "server.log"), "-w", "-t", "60",
          "-o", f"-p {port} -k {folder} {SERVER_OPTIONS}", "start"], user_prefix)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        _run([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"], user_prefix)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_admin(postgres_server):
    """An autocommit engine on the server's ``postgres`` database, for CREATE/DROP DATABASE."""
    engine = create_engine(f"{postgres_server}/postgres", isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@contextmanager
def new_database(server, admin, template="template1"):
    """A new database copied from ``template``, dropped on exit (open connections included)."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY'))
    try:
        yield f"{server}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_template(postgres_server, postgres_admin):
    """A database migrated to the latest schema once; each test copies it (faster than migrating)."""
    with new_database(postgres_server, postgres_admin) as url:
        database = Database(url)
        database.upgrade()
        database.engine.dispose()
        yield url.rsplit("/", 1)[1]


@pytest.fixture
def postgres_database(postgres_server, postgres_admin, postgres_template):
    """URL of a new database at the latest schema, for one test."""
    with new_database(postgres_server, postgres_admin, postgres_template) as url:
        yield url


@pytest.fixture
def postgres_empty_database(postgres_server, postgres_admin):
    """URL of a new database with no tables, for migration tests."""
    with new_database(postgres_server, postgres_admin) as url:
        yield url
