"""`manage.py serve`: gunicorn workers forked from a preloaded app, readiness, reload, concurrency."""
import gc
import http.client
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import select
from threadpoolctl import threadpool_info, threadpool_limits

from app import create_app
from app.serve import DigitsServer, gunicorn_options
from app.storage.records import Prediction
from evaluation.processes import free_port, stop
from tests.cluster import descendants, request, wait_until
import settings as settings_module
from settings import Settings
from tests.drawing import ONE, SEVEN, ZERO, data_uri, draw_strokes

ROOT = Path(__file__).resolve().parent.parent
DRAWINGS = [data_uri(draw_strokes(shape, width=width)) for shape in (SEVEN, ONE, ZERO) for width in (12, 22)]
CONCURRENT_REQUESTS = 240


def serve_env(storage, **extra):
    """The environment of a `manage.py serve` whose storage and database are in ``storage``; ``extra``: more
    settings (None drops a variable)."""
    paths = settings_module.TestSettings(storage)
    env = dict(os.environ, STORAGE_DIR=str(storage), CLASSIFIER_STORAGE=str(paths.CLASSIFIER_STORAGE),
               MODELS_DIR=str(paths.MODELS_DIR), DATABASE_URL=paths.DATABASE_URL, MODEL_SIGNING_KEY="test-signing-key",
               FRONTEND_DIST=str(storage / "no-dist"), **extra)
    return {key: value for key, value in env.items() if value is not None}


@pytest.fixture(scope="module")
def storage(tmp_path_factory):
    return tmp_path_factory.mktemp("serve-storage")


@pytest.fixture(scope="module")
def server(storage):
    """`manage.py serve` with 2 workers x 2 threads on a free port, started with no model stored."""
    port = free_port()
    env = serve_env(storage, MODEL_RELOAD_INTERVAL="0.2")
    log = open(storage / "server.log", "w+")
    process = subprocess.Popen([sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port),
                                "--workers", "2", "--threads", "2"], cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        up = wait_until(lambda: request(port, "GET", "/api/health")[0] == 200, 90)
        assert up, (storage / "server.log").read_text()
        yield port
    finally:
        stop(process)
        log.close()


def store_model(model_file, storage):
    """Publish a model the way an operator does while the server runs: stored and activated in the database."""
    settings = settings_module.TestSettings(storage)
    if not settings.CLASSIFIER_STORAGE.exists():
        shutil.copy(model_file, settings.CLASSIFIER_STORAGE)
        create_app(settings)  # adopts the file as version 1 and makes it the active version


@pytest.fixture(scope="module")
def loaded_server(server, storage, model_file):
    store_model(model_file, storage)
    assert wait_until(lambda: all(request(server, "GET", "/api/ready")[0] == 200 for _ in range(6)), 30)
    return server


def test_not_ready_until_a_model_is_stored_then_ready_without_restart(server, storage, model_file):
    for _ in range(6):  # several requests, so both workers answer
        assert request(server, "GET", "/api/ready") == (503, {
            "status": "loading", "message": "No model is loaded yet. Run `python manage.py train`."})
        assert request(server, "GET", "/api/health") == (200, {"status": "ok", "model": None})
    status, body = request(server, "POST", "/api/predict", {"image": DRAWINGS[0]})
    assert status == 503 and body["error"]["code"] == "model_unavailable"
    store_model(model_file, storage)
    assert wait_until(lambda: all(request(server, "GET", "/api/ready") == (200, {"status": "ready"})
                                  for _ in range(6)), 30)
    assert request(server, "GET", "/api/health")[1]["model"]["cv_accuracy"] > 0.9


def test_concurrent_answers_equal_sequential_ones(loaded_server, app):
    expected = []
    local = app.test_client()
    for image in DRAWINGS:
        expected.append(local.post("/api/predict", json={"image": image}).get_json())
    jobs = [index % len(DRAWINGS) for index in range(CONCURRENT_REQUESTS)]
    with ThreadPoolExecutor(max_workers=24) as pool:
        replies = list(pool.map(lambda i: request(loaded_server, "POST", "/api/predict", {"image": DRAWINGS[i]}),
                                jobs, timeout=120))
    for index, (status, body) in zip(jobs, replies):
        assert status == 200
        assert {key: body[key] for key in ("digit", "probabilities", "input")} == \
               {key: expected[index][key] for key in ("digit", "probabilities", "input")}


def test_concurrent_batches_equal_single_answers(loaded_server):
    singles = [request(loaded_server, "POST", "/api/predict", {"image": image})[1]["digit"] for image in DRAWINGS]
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(lambda _: request(loaded_server, "POST", "/api/predict/batch", {"images": DRAWINGS}),
                                range(16), timeout=120))
    for status, body in replies:
        assert status == 200 and [slot["digit"] for slot in body["predictions"]] == singles


def test_each_answer_closes_its_connection_so_any_free_worker_takes_the_next(loaded_server):
    """KEEPALIVE 0: a client that would keep its connection gets "Connection: close" and connects again, so its
    next request goes to whichever worker accepts first rather than to the one that took its connection."""
    connection = http.client.HTTPConnection("127.0.0.1", loaded_server, timeout=30)
    try:
        for _ in range(2):
            connection.request("POST", "/api/predict?store=false", json.dumps({"image": DRAWINGS[0]}),
                               {"Content-Type": "application/json", "Connection": "keep-alive"})
            response = connection.getresponse()
            assert response.status == 200 and json.loads(response.read())["digit"] in range(10)
            assert response.getheader("Connection") == "close" and response.will_close
            connection.close()
    finally:
        connection.close()


class TestGunicornApplication:
    def test_options_come_from_settings(self):
        class Custom(Settings):
            HOST, PORT, WORKERS, THREADS, KEEPALIVE = "127.0.0.1", 8123, 3, 5, 4

        options = gunicorn_options(Custom)
        assert (options["bind"], options["workers"], options["threads"], options["keepalive"]) == (
            "127.0.0.1:8123", 3, 5, 4)
        assert gunicorn_options(Custom, port=9000, workers=1)["bind"].endswith(":9000")

    def test_gunicorn_serves_the_app_it_was_given(self, app):
        """No second app is built: the one handed over, model loaded, is the WSGI app."""
        server = DigitsServer(app, gunicorn_options(Settings, port=free_port(), workers=2, threads=2))
        try:
            assert server.load() is app and app.extensions["classifier_repo"].is_loaded()
            assert gc.get_freeze_count() > 0  # what the master built is out of the workers' collections
        finally:
            gc.unfreeze()

    def test_a_forked_worker_drops_the_masters_connections_and_limits_threads(self, app):
        database = app.extensions["database"]
        with database.engine.connect():
            pass
        pool_before = database.engine.pool
        server = DigitsServer(app, gunicorn_options(Settings, port=free_port()))
        with threadpool_limits(limits=None):  # puts this process's thread pools back afterwards
            server.cfg.post_fork(None, None)
            assert {pool["num_threads"] for pool in threadpool_info()} == {1}  # one OpenMP/BLAS thread
        assert database.engine.pool is not pool_before
        assert app.test_client().get("/api/ready").status_code == 200


def shared_kib(pid):
    """Memory of process ``pid`` shared with other processes (its forked siblings and master), in KiB."""
    rollup = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:])
    return sum(int(rollup[field].split()[0]) for field in ("Shared_Clean", "Shared_Dirty"))


def test_one_worker_per_core_forked_from_a_master_that_loaded_the_model(tmp_path, model_file, trained):
    """`manage.py serve` without --workers: one worker per core, each forked after the master loaded the model
    (loaded once, its memory shared), each answering at once."""
    store_model(model_file, tmp_path)
    env = serve_env(tmp_path, WORKERS=None)
    port = free_port()
    with open(tmp_path / "server.log", "w+") as log:
        process = subprocess.Popen([sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port)],
                                   cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            assert wait_until(lambda: request(port, "GET", "/api/ready")[0] == 200, 90), (tmp_path / "server.log").read_text()
            workers = wait_until(lambda: len(found := descendants(process.pid)) == os.cpu_count() and found, 30)
            assert workers, f"{descendants(process.pid)} workers, {os.cpu_count()} cores"
            replies = [request(port, "POST", "/api/predict", {"image": image}) for image in DRAWINGS * 2]
            shared = {pid: shared_kib(pid) for pid in workers}
        finally:
            stop(process)
        text = (tmp_path / "server.log").read_text()
    assert [(status, body["digit"]) for status, body in replies[:2]] == [(200, 7), (200, 7)]
    assert all(status == 200 for status, _ in replies)
    # loaded once, in the master, before any worker booted: a worker building its own app would load it again
    assert text.count("Serving model version 1") == 1 and text.index("Serving model version 1") < text.index("Booting worker")
    model = trained[0]
    model_kib = (model.inputs.nbytes + model.inputs.size * 4) / 1024  # its samples, and as float32 for the search
    assert all(kib > model_kib for kib in shared.values()), (shared, model_kib)


SERVE_ONE_PREDICTION = """
import sys
from app import create_app
reply = create_app().test_client().post("/api/predict", json={"image": sys.argv[1]})
assert reply.status_code == 200, reply.get_json()
print(reply.get_json()["digit"], "sklearn" in sys.modules, "alembic" in sys.modules)
"""


def test_serving_imports_neither_scikit_learn_nor_alembic(storage_with_model):
    """Start-up time: the model's estimator is unpickled only on first use, and the schema check needs no Alembic."""
    env = dict(os.environ, STORAGE_DIR=str(storage_with_model), MODEL_SIGNING_KEY="test-signing-key")
    result = subprocess.run([sys.executable, "-c", SERVE_ONE_PREDICTION, DRAWINGS[0]], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["7", "False", "False"]


@pytest.fixture
def storage_with_model(tmp_path, model_file):
    """A storage folder holding the session's model and an already migrated database."""
    shutil.copy(model_file, tmp_path / "classifier.pkl")
    env = dict(os.environ, STORAGE_DIR=str(tmp_path), MODEL_SIGNING_KEY="test-signing-key")
    subprocess.run([sys.executable, "manage.py", "models", "list"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=120)
    return tmp_path


def test_predictions_still_queued_are_written_when_the_server_stops(tmp_path, model_file):
    """SIGTERM (gunicorn's graceful shutdown): each worker writes its queue; the writers never flush on their own here."""
    store_model(model_file, tmp_path)
    paths = settings_module.TestSettings(tmp_path)
    port = free_port()
    env = serve_env(tmp_path, PREDICTION_FLUSH_INTERVAL="3600", PREDICTION_FLUSH_ROWS="100000")
    with open(tmp_path / "server.log", "w+") as log:
        process = subprocess.Popen([sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port),
                                    "--workers", "2", "--threads", "2"], cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            assert wait_until(lambda: request(port, "GET", "/api/ready")[0] == 200, 90)
            with ThreadPoolExecutor(max_workers=8) as pool:
                replies = list(pool.map(lambda i: request(port, "POST", "/api/predict", {"image": DRAWINGS[i % 6]}),
                                        range(40)))
        finally:
            stop(process)
    assert process.returncode == 0
    ids = sorted(body["prediction_id"] for status, body in replies if status == 200)
    assert len(ids) == 40
    with create_app(paths).extensions["database"].Session() as session:
        assert session.scalars(select(Prediction.id).order_by(Prediction.id)).all() == ids
