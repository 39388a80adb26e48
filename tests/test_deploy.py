"""Many instances, one database, on this machine as docs/deploy.md sets them up: nginx in front of two
`manage.py serve` instances (A and B, storage of their own), one `manage.py worker`, one PostgreSQL, one Redis.

B serves what only the worker trained; an activation through A reaches B; stopping A under load fails
no request with SIGTERM, and at most the requests in flight with SIGKILL (the figures are printed);
a killed worker leaves its run failed within TRAINING_TIMEOUT and a restarted one trains the next run.
"""
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from evaluation.processes import free_port
from tests.cluster import ADMIN, Cluster, in_flight, kill_tree, load, request, wait_until
from tests.drawing import ONE, SEVEN, ZERO, data_uri, draw_strokes
from tests.postgres import new_database
from tests.services import unavailable

BODIES = [{"image": data_uri(draw_strokes(shape, width=width))} for shape in (SEVEN, ONE, ZERO) for width in (12, 20)]
LOAD_SECONDS, STOP_AT = 5.0, 1.5


@pytest.fixture(scope="module")
def cluster(postgres_server, postgres_admin, redis_server):
    """Everything started, with a first version trained by the worker and active on both instances."""
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        unavailable("nginx", "ensure-nginx.sh", "nginx is not installed")
    folder = Path(tempfile.mkdtemp(prefix="digits-cluster-"))
    with new_database(postgres_server, postgres_admin) as database_url:
        cluster = Cluster(folder, database_url, redis_server.rsplit("/", 1)[0] + "/1")
        try:
            cluster.start_instances("a", "b")
            cluster.start_worker(quick=True)
            cluster.port = cluster.start_nginx([cluster.ports["a"], cluster.ports["b"]])
            version = train(cluster, cluster.ports["a"])
            assert request(cluster.ports["a"], "POST", f"/api/models/{version}/activate", headers=ADMIN)[0] == 200
            for name in ("a", "b"):
                assert wait_until(lambda: serves(cluster.ports[name], version), 30), f"{name} does not serve v{version}"
            yield cluster
        finally:
            cluster.stop_all()
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def both_instances(cluster):
    """A and B running (a test before may have stopped A)."""
    if cluster.processes["a"].poll() is not None:
        cluster.start_instances("a")
    return cluster


def model(port, version):
    return request(port, "GET", f"/api/models/{version}")[1]


def train(cluster, port, timeout=120):
    """Start a training run through ``port`` and wait until it is ready -> its version."""
    status, body = request(port, "POST", "/api/models", headers=ADMIN)
    assert status == 202, body
    version = body["version"]
    done = wait_until(lambda: model(port, version)["status"] != "training", timeout, interval=0.2)
    assert done and model(port, version)["status"] == "ready", (model(port, version)["error"], cluster.log("worker"))
    return version


def serves(port, version, answers=8):
    """``answers`` predictions in a row (so every worker of the instance answers) carry ``version``."""
    return all(request(port, "POST", "/api/predict", BODIES[0])[1]["model_version"] == version for _ in range(answers))


def report(capsys, line):
    """Print a figure in the test run's output, even when pytest captures it."""
    with capsys.disabled():
        print(f"\n  [multi-instance] {line}", end="")


def test_b_serves_what_only_the_worker_trained_and_an_activation_through_a_reaches_it(both_instances, capsys):
    cluster = both_instances
    a, b = cluster.ports["a"], cluster.ports["b"]
    status, body = request(a, "POST", "/api/models", headers=ADMIN)
    assert status == 202
    version = body["version"]
    seen_on_b = set()
    assert wait_until(lambda: seen_on_b.add(model(b, version)["status"]) or "ready" in seen_on_b, 120, interval=0.1)
    assert "training" in seen_on_b  # progress showed on B while the worker trained
    checksum_file = list((cluster.folder / "worker" / "models").glob(f"v{version}-*.pkl"))
    assert checksum_file, "the worker stored the version (with a local copy)"
    assert not list((cluster.folder / "b" / "models").glob(f"v{version}-*.pkl"))  # B never had it

    activated = time.monotonic()
    # forced: the quick worker's versions carry no reference figures, and the gate is tested in test_gate
    assert request(a, "POST", f"/api/models/{version}/activate", {"force": True}, headers=ADMIN)[0] == 200
    assert wait_until(lambda: serves(b, version), cluster.reload_interval + 10, interval=0.01)
    reached = time.monotonic() - activated
    report(capsys, f"activation through A reached every worker of B in {reached:.2f} s "
                   f"(MODEL_RELOAD_INTERVAL {cluster.reload_interval:.0f} s)")
    assert reached <= cluster.reload_interval + 1.0  # the interval, plus reading the new version once
    assert (cluster.folder / "b" / "models" / checksum_file[0].name).read_bytes() == checksum_file[0].read_bytes()


def test_nginx_answers_its_own_errors_in_the_json_shape(cluster):
    status, body = request(cluster.port, "POST", "/api/predict", {"image": "A" * (17 << 20)})
    assert status == 413 and body["error"]["code"] == "payload_too_large"
    nowhere = cluster.start_nginx([free_port()], name="nginx-without-instances")
    status, body = request(nowhere, "GET", "/api/health")
    assert status == 503 and body["error"]["code"] == "service_unavailable"


def test_through_nginx_each_client_is_its_own_address_and_cannot_choose_it(both_instances):
    """TRUSTED_PROXIES=1 as deployed: the address nginx adds counts, not one a client writes itself. A client
    (127.0.0.2) sending 31 feedback requests with 31 made-up X-Forwarded-For addresses meets the 30-a-minute
    limit (counted in Redis across both instances); another client (127.0.0.3) is not affected, which it would be
    if the instances saw only nginx's address."""
    def feedback(source, n):
        return request(both_instances.port, "POST", "/api/feedback", {"prediction_id": 2**62, "label": 3},
                       headers={"X-Forwarded-For": f"198.51.100.{n}"}, source=source)[0]

    assert [feedback("127.0.0.2", n) for n in range(31)] == [404] * 30 + [429]
    assert feedback("127.0.0.3", 0) == 404


def test_sigterm_under_load_fails_no_request(both_instances, capsys):
    cluster = both_instances
    a = cluster.processes["a"]
    outcomes, stopped = load(cluster.port, BODIES, LOAD_SECONDS, action=a.terminate, action_at=STOP_AT)
    failed = [o for o in outcomes if o.status != 200]
    after = [o for o in outcomes if o.started > stopped]
    report(capsys, f"SIGTERM to instance A under load: {len(outcomes)} requests, {len(after)} after the signal, "
                   f"{in_flight(outcomes, stopped)} in flight at it, {len(failed)} failed")
    assert a.wait(15) == 0  # gunicorn finished what it had and exited cleanly
    assert len(after) > 5 and not failed, [o.status for o in failed]  # B answered what came after (hundreds when idle)


def test_sigkill_under_load_fails_at_most_the_requests_in_flight(both_instances, capsys):
    cluster = both_instances
    outcomes, killed = load(cluster.port, BODIES, LOAD_SECONDS, action=lambda: kill_tree(cluster.processes["a"]),
                            action_at=STOP_AT)
    failed = [o for o in outcomes if o.status != 200]
    flying = in_flight(outcomes, killed)
    after = [o for o in outcomes if o.started > killed]
    report(capsys, f"SIGKILL to instance A (master and workers) under load: {len(outcomes)} requests, "
                   f"{len(after)} after the kill, {flying} in flight at it, {len(failed)} failed")
    assert len(after) > 5 and len(failed) <= flying  # B answered what came after (hundreds when idle)
    assert all(o.status == 200 for o in after if o.started > killed + 0.5)  # nginx sends the rest to B


def test_a_killed_worker_leaves_its_run_failed_and_a_restarted_worker_trains_the_next(both_instances, capsys):
    cluster = both_instances
    a, b = cluster.ports["a"], cluster.ports["b"]
    active = request(b, "GET", "/api/models")[1]["active"]
    cluster.processes["worker"].terminate()  # idle: it stops at once
    assert cluster.processes["worker"].wait(30) == 0
    cluster.start_worker(quick=False)  # the real training: minutes, killed after its first step
    status, body = request(cluster.port, "POST", "/api/models", headers=ADMIN)
    assert status == 202
    version = body["version"]
    assert wait_until(lambda: model(b, version)["progress"] > 0, 120, interval=0.02), cluster.log("worker")
    kill_tree(cluster.processes["worker"])  # the worker and its work horse, mid-run
    killed = time.monotonic()
    assert model(b, version)["status"] == "training"
    assert wait_until(lambda: model(b, version)["status"] == "failed", cluster.training_timeout + 5, interval=0.2)
    failed_after = time.monotonic() - killed
    report(capsys, f"worker killed mid-run: version {version} showed failed after {failed_after:.1f} s "
                   f"(TRAINING_TIMEOUT {cluster.training_timeout:.0f} s)")
    assert failed_after <= cluster.training_timeout + 1.0
    assert "stopped making progress" in model(a, version)["error"]
    assert request(a, "GET", "/api/models")[1]["active"] == active  # the active version is untouched

    cluster.start_worker(quick=True)
    next_version = train(cluster, cluster.port)
    assert next_version == version + 1 and model(b, version)["status"] == "failed"
    assert request(b, "GET", "/api/models")[1]["active"] == active
