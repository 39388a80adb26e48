"""Many instances on one machine, as docs/deploy.md sets them up on many: nginx (deploy/nginx/) in front of
`manage.py serve` instances with STORAGE_DIRs of their own, one `manage.py worker`, one PostgreSQL and
one Redis, all on 127.0.0.1 and free ports; and a bounded load through nginx that records every request.

Every process runs in a session of its own, so an instance can be stopped as a machine would lose it:
SIGTERM to its gunicorn master, or SIGKILL to the master and its workers.
"""
import http.client
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from evaluation.processes import free_port, process_table

ROOT = Path(__file__).resolve().parent.parent
NGINX_CONFIG = ROOT / "deploy" / "nginx"
ADMIN_TOKEN = "cluster-admin-token"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def request(port, method, path, body=None, headers=None, timeout=30, source="127.0.0.1"):
    """(status, parsed JSON body or None) of one request on a new connection from loopback address ``source``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    try:
        payload = None if body is None else json.dumps(body)
        connection.request(method, path, body=payload, headers={"Content-Type": "application/json", **(headers or {})})
        response = connection.getresponse()
        data = response.read()
        try:
            return response.status, json.loads(data)
        except ValueError:
            return response.status, None
    finally:
        connection.close()


def wait_until(check, seconds, interval=0.05):
    """Poll ``check`` until it returns something true (-> it) or ``seconds`` pass (-> None)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            result = check()
            if result:
                return result
        except OSError:
            pass
        if time.monotonic() > deadline:
            return None
        time.sleep(interval)


def descendants(pid):
    """Every process below ``pid`` (children, grandchildren...), from /proc."""
    children = {}
    for child, (parent, _) in process_table().items():
        children.setdefault(parent, []).append(child)
    found, pending = [], [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def kill_tree(process):
    """SIGKILL ``process`` and everything below it at once, as when its machine dies."""
    for pid in [process.pid, *descendants(process.pid)]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait()


@dataclass
class Cluster:
    """The processes of one set-up, started on demand and all stopped by ``stop_all``."""

    folder: Path
    database_url: str
    redis_url: str
    reload_interval: float = 1.0
    training_timeout: float = 15.0
    processes: dict = field(default_factory=dict)
    ports: dict = field(default_factory=dict)
    key: str = field(default_factory=lambda: secrets.token_hex(32))

    def env(self, name):
        """The environment of process ``name``: shared database, queue and key; storage of its own."""
        return dict(os.environ, STORAGE_DIR=str(self.folder / name), DATABASE_URL=self.database_url,
                    REDIS_URL=self.redis_url, MODEL_SIGNING_KEY=self.key, ADMIN_TOKEN=ADMIN_TOKEN,
                    TRUSTED_PROXIES="1",  # as deployed: instances on 127.0.0.1, behind one nginx
                    MODEL_RELOAD_INTERVAL=str(self.reload_interval), TRAINING_TIMEOUT=str(self.training_timeout),
                    FRONTEND_DIST=str(self.folder / "no-frontend"), CLASSIFIER_STORAGE=str(self.folder / "none.pkl"))

    def spawn(self, name, command):
        """Start ``command`` as process ``name`` (a session of its own, output in FOLDER/NAME.log)."""
        (self.folder / name).mkdir(parents=True, exist_ok=True)
        with open(self.folder / f"{name}.log", "a") as log:
            self.processes[name] = subprocess.Popen(command, cwd=ROOT, env=self.env(name), stdout=log,
                                                    stderr=subprocess.STDOUT, start_new_session=True)
        return self.processes[name]

    def log(self, name):
        return (self.folder / f"{name}.log").read_text()

    def start_instances(self, *names, workers=2, threads=2):
        """`manage.py serve` as each instance of ``names``, on its port (the same one across restarts)."""
        for name in names:
            port = self.ports.setdefault(name, free_port())
            self.spawn(name, [sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port),
                              "--workers", str(workers), "--threads", str(threads)])
        for name in names:
            if not wait_until(lambda: self.processes[name].poll() is None
                              and request(self.ports[name], "GET", "/api/health")[0] == 200, 90):
                raise RuntimeError(f"instance {name} did not start:\n{self.log(name)}")

    def start_worker(self, quick=True, name="worker"):
        """The worker: with ``quick``, training the test suite's quick model (tests/quick_worker.py), else
        `manage.py worker` as shipped; waits until it listens on the queue."""
        command = ["-m", "tests.quick_worker"] if quick else ["manage.py", "worker"]
        process = self.spawn(name, [sys.executable, *command])
        if not wait_until(lambda: process.poll() is None and "Listening on" in self.log(name), 90):
            raise RuntimeError(f"the worker did not start:\n{self.log(name)}")
        return process

    def start_nginx(self, upstreams, name="nginx"):
        """nginx with deploy/nginx's config in front of ``upstreams`` (ports), in the foreground -> its port."""
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        prefix = self.folder / name
        (prefix / "temp").mkdir(parents=True, exist_ok=True)
        prefix.chmod(0o755)  # started as root, nginx's workers run as nobody
        self.folder.chmod(0o755)
        for config in NGINX_CONFIG.glob("*.conf"):
            shutil.copy(config, prefix)
        port = self.ports.setdefault(name, free_port())
        (prefix / "digits-listen.conf").write_text(f"listen 127.0.0.1:{port};\n")
        (prefix / "digits-upstreams.conf").write_text("".join(
            f"server 127.0.0.1:{upstream} max_fails=1 fail_timeout=2s;\n" for upstream in upstreams))
        process = self.spawn(name, [binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                                    "-e", str(prefix / "error.log")])
        if not wait_until(lambda: process.poll() is None and request(port, "GET", "/api/health")[0], 30):
            raise RuntimeError(f"nginx did not start:\n{self.log(name)}")
        return port

    def stop_all(self):
        """Stop every process: gracefully, then SIGKILL whatever is left of each (work horses included)."""
        for name, process in self.processes.items():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                pass
            kill_tree(process)


@dataclass
class Outcome:
    """One request of a load: when it started and ended (monotonic seconds), its status (None: no answer)."""

    started: float
    ended: float
    status: int | None


def load(port, bodies, seconds, concurrency=6, max_requests=20_000, action=None, action_at=None):
    """POST /api/predict through ``port`` from ``concurrency`` threads for ``seconds`` (at most ``max_requests``),
    each request on a new connection; calls ``action()`` at ``action_at`` s -> (outcomes, time of the action)."""
    outcomes, lock = [], threading.Lock()
    started = time.monotonic()
    deadline = started + seconds

    def client(index):
        while time.monotonic() < deadline:
            with lock:
                if len(outcomes) >= max_requests:
                    return
            body = bodies[index % len(bodies)]
            index += concurrency
            begun = time.monotonic()
            try:
                status = request(port, "POST", "/api/predict", body, timeout=30)[0]
            except (OSError, http.client.HTTPException):
                status = None
            with lock:
                outcomes.append(Outcome(begun, time.monotonic(), status))

    threads = [threading.Thread(target=client, args=(index,)) for index in range(concurrency)]
    for thread in threads:
        thread.start()
    acted = None
    if action is not None:
        time.sleep(max(0.0, started + action_at - time.monotonic()))
        acted = time.monotonic()
        action()
    for thread in threads:
        thread.join()
    return outcomes, acted


def in_flight(outcomes, moment):
    """Requests sent before ``moment`` and answered (or failed) after it."""
    return sum(1 for outcome in outcomes if outcome.started <= moment < outcome.ended)
