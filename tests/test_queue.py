"""Training on the RQ queue (a real redis-server): POST /api/models queues, the worker trains in a work horse,
every instance sees the progress; a killed horse, an unreachable Redis, a run no worker took in time."""
import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from rq import Queue
from sqlalchemy import update

import settings as settings_module
from app import create_app
from app.exceptions import ModelUnavailableError
from app.jobs.queue import QUEUE_NAME
from app.jobs.worker import work
from app.recognition import training_set
from app.storage.records import ModelVersion, utcnow
from evaluation.processes import free_port
from tests.db_fixtures import ADMIN, BOTH_DATABASES, quick_training_set
from tests.test_api import error_of, seven_uri

ROOT = Path(__file__).resolve().parent.parent
PYTEST_PID = os.getpid()


@pytest.fixture
def queued_app(settings, redis_url, request):
    """The quick app (version 1 active) with REDIS_URL set: POST /api/models queues its runs."""
    settings.REDIS_URL = redis_url
    return request.getfixturevalue("quick_app")


def run_worker(app):
    """``manage.py worker --burst``'s work, in this process: train what is queued, each run in a forked horse.

    RQ installs its own SIGINT/SIGTERM handlers; pytest's are put back afterwards.
    """
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        work(app, burst=True)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def queued_jobs(app):
    return Queue(QUEUE_NAME, connection=app.extensions["training_queue"].connection).count


def start_run(client):
    response = client.post("/api/models", headers=ADMIN)
    assert response.status_code == 202, response.get_json()
    return response.get_json()["version"]


@BOTH_DATABASES
def test_the_worker_trains_a_queued_run_that_every_instance_sees(queued_app, settings, tmp_path):
    client = queued_app.test_client()
    version = start_run(client)
    assert version == 2 and queued_jobs(queued_app) == 1
    assert not [t for t in threading.enumerate() if t.name.startswith("train-v")]  # nothing trains in the web process
    other_settings = settings_module.TestSettings(tmp_path / "instance-b")
    other_settings.DATABASE_URL = settings.DATABASE_URL
    other = create_app(other_settings).test_client()  # another instance: its own storage, the same database
    assert other.get("/api/models/2").get_json()["status"] == "training"

    run_worker(queued_app)
    model = other.get("/api/models/2").get_json()
    assert model["status"] == "ready" and model["progress"] == 1.0 and queued_jobs(queued_app) == 0
    assert client.post("/api/models/2/activate", headers=ADMIN).status_code == 200
    assert other.post("/api/predict", json={"image": seven_uri()}).get_json()["model_version"] == 2


def test_the_worker_prunes_old_predictions_without_feedback_at_start_and_when_due(queued_app, monkeypatch):
    from app.jobs.worker import AppWorker
    from tests.test_retention import age, stored_ids

    client = queued_app.test_client()
    ids = [client.post("/api/predict", json={"image": seven_uri()}).get_json()["prediction_id"] for _ in range(3)]
    assert client.post("/api/feedback", json={"prediction_id": ids[0], "label": 7}).status_code == 201
    age(queued_app, ids[:2], days=31)
    run_worker(queued_app)  # `manage.py worker --burst`: its start-up maintenance prunes
    assert stored_ids(queued_app) == [ids[0], ids[2]]

    worker = AppWorker([queued_app.extensions["training_queue"]], queued_app,
                       connection=queued_app.extensions["training_queue"].connection)
    worker.run_maintenance_tasks()
    age(queued_app, [ids[2]], days=31)
    worker.run_maintenance_tasks()  # not due yet: PRUNE_INTERVAL (an hour) has not passed
    assert stored_ids(queued_app) == [ids[0], ids[2]]
    queued_app.config["PRUNE_INTERVAL"] = 0.0
    worker.run_maintenance_tasks()
    assert stored_ids(queued_app) == [ids[0]]


def kill_the_work_horse(*_args, **_kwargs):
    """build_training_set stand-in that dies like an out-of-memory kill, in the work horse only."""
    assert os.getpid() != PYTEST_PID, "this must only run in a work horse"
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_killed_work_horse_fails_its_run_at_once_and_the_next_one_trains(queued_app, monkeypatch):
    client = queued_app.test_client()
    monkeypatch.setattr(training_set, "build_training_set", kill_the_work_horse)
    assert start_run(client) == 2
    run_worker(queued_app)
    failed = client.get("/api/models/2").get_json()
    assert failed["status"] == "failed" and "killed (signal 9)" in failed["error"]
    assert client.get("/api/models").get_json()["active"] == 1  # the active version is untouched

    monkeypatch.setattr(training_set, "build_training_set", quick_training_set)
    assert start_run(client) == 3
    run_worker(queued_app)
    assert client.get("/api/models/3").get_json()["status"] == "ready"


def test_a_run_no_worker_took_in_time_stays_failed(queued_app):
    client = queued_app.test_client()
    assert start_run(client) == 2
    queued_app.config["TRAINING_TIMEOUT"] = 60
    with queued_app.extensions["database"].Session() as session:
        session.execute(update(ModelVersion).where(ModelVersion.version == 2)
                        .values(updated=utcnow() - timedelta(seconds=61)))
        session.commit()
    assert "no worker took it" in client.get("/api/models/2").get_json()["error"]
    run_worker(queued_app)  # the worker only finds it late
    assert client.get("/api/models/2").get_json()["status"] == "failed"
    with pytest.raises(ModelUnavailableError):
        queued_app.extensions["classifier_repo"].blobs.checksum(2)  # not trained, nothing stored


def test_without_redis_a_run_is_503_recorded_failed_and_does_not_block(settings, request):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    client = request.getfixturevalue("quick_app").test_client()
    for version in (2, 3):
        response = client.post("/api/models", headers=ADMIN)
        assert response.status_code == 503 and error_of(response) == "queue_unavailable"
        model = client.get(f"/api/models/{version}").get_json()
        assert model["status"] == "failed" and "cannot be reached" in model["error"]


def manage_worker(storage, **env):
    return subprocess.run([sys.executable, "manage.py", "worker", "--burst"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env=dict(os.environ, STORAGE_DIR=str(storage), MODEL_SIGNING_KEY="k", **env))


def test_the_worker_command_needs_a_reachable_redis(tmp_path, redis_url):
    result = manage_worker(tmp_path, REDIS_URL="")
    assert result.returncode == 2 and "error: REDIS_URL is not set" in result.stderr
    result = manage_worker(tmp_path, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    assert result.returncode == 2 and "cannot be reached" in result.stderr and "Traceback" not in result.stderr
    result = manage_worker(tmp_path, REDIS_URL=redis_url)
    assert result.returncode == 0 and QUEUE_NAME in result.stderr, result.stderr
