"""The start-up warning for an app bound to a public address while it trusts X-Forwarded-For."""
import logging
import os
import subprocess
import sys
import textwrap

import pytest

from app.exposure import is_public, warn_if_exposed


@pytest.mark.parametrize("host,public", [
    ("127.0.0.1", False), ("localhost", False), ("::1", False), ("10.1.2.3", False), ("192.168.0.5", False),
    ("fd00::1", False), ("0.0.0.0", True), ("::", True), ("", True), ("8.8.8.8", True), ("2001:4860::1", True),
])
def test_is_public(host, public):
    assert is_public(host) is public


@pytest.mark.parametrize("host,proxies,warned", [
    ("0.0.0.0", 1, True), ("8.8.8.8", 2, True), ("0.0.0.0", 0, False), ("127.0.0.1", 1, False),
    ("10.0.0.4", 1, False),
])
def test_warns_only_for_a_public_bind_with_trusted_proxies(caplog, host, proxies, warned):
    with caplog.at_level(logging.WARNING, logger="app.exposure"):
        assert warn_if_exposed(host, proxies) is warned
    assert ("TRUSTED_PROXIES" in caplog.text) is warned


SERVE_WITHOUT_GUNICORN = textwrap.dedent("""
    import sys
    import manage

    class Recorder:
        def __init__(self, app, options):
            print("bind", options["bind"])
        def run(self):
            pass

    manage.DigitsServer = Recorder  # everything up to gunicorn's start, without binding anything
    sys.exit(manage.manager.handle("manage.py", sys.argv[1:]))
""")


@pytest.mark.parametrize("host,warned", [("0.0.0.0", True), ("127.0.0.1", False)])
def test_manage_py_serve_warns_at_start_up(tmp_path, host, warned):
    env = dict(os.environ, STORAGE_DIR=str(tmp_path), MODEL_SIGNING_KEY="exposure-test", TRUSTED_PROXIES="1")
    done = subprocess.run([sys.executable, "-c", SERVE_WITHOUT_GUNICORN, "serve", "--host", host, "--port", "5999"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0 and f"bind {host}:5999" in done.stdout, done.stderr
    assert ("walks past the rate limits" in done.stderr) is warned
