"""Pytest plugin: real services from Debian's packages for the tests, on free loopback ports.

A redis-server for the session (no persistence, stopped at the end), emptied before each test that
uses it. Without the package the tests that need it skip with a message, except under CI=true, where
they fail: `make test` installs the packages first (scripts/ensure-*.sh).
"""
import os
import shutil
import subprocess
import tempfile
import time

import pytest
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from evaluation.processes import free_port, stop


def unavailable(package, script, reason):
    """Skip the tests that need Debian's ``package`` with a reason, or fail under CI=true."""
    message = (f"These tests need Debian's {package} package: {reason}. "
               f"Install it with `bash scripts/{script}` (`make test` does).")
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message + " (CI=true: failing instead of skipping)", pytrace=False)
    pytest.skip(message)


def start_redis(folder):
    """A redis-server on a free loopback port, in the foreground, without persistence -> (process, URL)."""
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("redis-server", "ensure-redis.sh", "redis-server is not installed")
    port = free_port()
    process = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
                                "--daemonize", "no", "--dir", str(folder)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 30
    while True:
        try:
            with Redis.from_url(url) as client:
                client.ping()
            return process, url
        except RedisConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                stop(process)
                raise RuntimeError(f"redis-server did not start on port {port}") from None
            time.sleep(0.05)


@pytest.fixture(scope="session")
def redis_server():
    """URL of a redis-server started for this session: redis://127.0.0.1:PORT/0."""
    folder = tempfile.mkdtemp(prefix="digits-redis-")
    process, url = start_redis(folder)
    try:
        yield url
    finally:
        stop(process)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def redis_url(redis_server):
    """The session's Redis, emptied for this test."""
    with Redis.from_url(redis_server) as client:
        client.flushall()
    return redis_server
