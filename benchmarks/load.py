"""Load benchmark: ``python -m benchmarks.load`` (``make bench-load``).

Starts ``manage.py serve`` (gunicorn) on a free local port with a temporary copy of the stored model,
and the original design's server (``benchmarks/baseline_server.py``) beside it; sends 280x280 canvas
PNGs at concurrency 1, 8 and 32 (threads with keep-alive http.client connections, each run bounded
in time and count) and prints requests/s, p50, p99 and errors, the batch endpoint in images/s, and
start-up time (process start -> /api/ready 200). Traffic goes to 127.0.0.1 only.
"""
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from tests.drawing import ONE, SEVEN, ZERO, data_uri, draw_strokes

ROOT = Path(__file__).resolve().parent.parent
CONCURRENCY = (1, 8, 32)
SECONDS = 7.0  # per run
MAX_REQUESTS = 5000  # per run
BATCH_SIZE = 64
TARGET_SPEEDUP, TARGET_P99_MS, TARGET_BATCH, TARGET_STARTUP = 10.0, 25.0, 2000.0, 3.0


def drawings(count=24, seed=7):
    """Canvas-like PNG data URIs: the test shapes with jittered points and pen widths."""
    rng = np.random.default_rng(seed)
    shapes = (SEVEN, ONE, ZERO)
    uris = []
    for index in range(count):
        jitter = rng.normal(0, 6, size=2)
        strokes = [[(x + jitter[0] + rng.normal(0, 2), y + jitter[1] + rng.normal(0, 2)) for x, y in stroke]
                   for stroke in shapes[index % len(shapes)]]
        uris.append(data_uri(draw_strokes(strokes, width=int(rng.integers(10, 24)))))
    return uris


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_status(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def wait_ready(port, process, path, timeout=120):
    """Seconds until ``path`` answers 200 (polled every 20 ms)."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            if get_status(port, path) == 200:
                return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"not ready after {timeout} s")


def start(command, env, port, ready_path, log):
    """Start a server process; (process, seconds from start to ready)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    wait_ready(port, process, ready_path)
    return process, time.perf_counter() - started


def stop(process):
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Client:
    """One keep-alive connection; reconnects once when the server closed it."""

    def __init__(self, port):
        self.port = port
        self.connection = None

    def post(self, path, body):
        """(status, seconds) of one POST."""
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                started = time.perf_counter()
                self.connection.request("POST", path, body=body, headers={"Content-Type": "application/json"})
                response = self.connection.getresponse()
                response.read()
                return response.status, time.perf_counter() - started
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    return None, 0.0


def run_load(port, path, bodies, concurrency, seconds=SECONDS, max_requests=MAX_REQUESTS):
    """Send ``bodies`` round-robin from ``concurrency`` threads -> dict of figures."""
    deadline = time.perf_counter() + seconds
    lock, counter, latencies, errors = threading.Lock(), [0], [], [0]

    def worker(_):
        client = Client(port)
        while time.perf_counter() < deadline:
            with lock:
                if counter[0] >= max_requests:
                    return
                index = counter[0]
                counter[0] += 1
            status, elapsed = client.post(path, bodies[index % len(bodies)])
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(worker, range(concurrency)))
    wall = time.perf_counter() - started
    ms = np.asarray(latencies) * 1000 if latencies else np.asarray([np.nan])
    return {"requests": len(latencies), "errors": errors[0], "rps": len(latencies) / wall,
            "p50": float(np.percentile(ms, 50)), "p99": float(np.percentile(ms, 99))}


def ours_env(storage, key):
    """Environment for `manage.py serve` on a temporary storage folder."""
    return dict(os.environ, STORAGE_DIR=str(storage), CLASSIFIER_STORAGE=str(storage / "classifier.pkl"),
                MODELS_DIR=str(storage / "models"), DATABASE_URL=f"sqlite:///{storage / 'app.storage.db'}",
                MODEL_SIGNING_KEY=key, FRONTEND_DIST=str(storage / "no-dist"))


def stored_model():
    """(path of the active stored model file, its signing key)."""
    from app import create_app

    registry = create_app().extensions["classifier_repo"]
    return registry.path(registry.current().version), registry.key.decode()


def print_row(name, endpoint, concurrency, figures, per_request=1):
    print(f"  {name:9s} {endpoint:20s} {concurrency:4d} {figures['requests']:8d} {figures['rps']:9.1f} "
          f"{figures['rps'] * per_request:9.1f} {figures['p50']:8.1f} {figures['p99']:8.1f} {figures['errors']:6d}")


def main():
    """Run every measurement and print the tables."""
    uris = drawings()
    singles = [json.dumps({"image": uri}).encode() for uri in uris]
    batches = [json.dumps({"images": [uris[(i + j) % len(uris)] for j in range(BATCH_SIZE)]}).encode()
               for i in range(4)]
    model_path, key = stored_model()
    workers, threads = os.environ.get("WORKERS") or os.cpu_count(), os.environ.get("THREADS") or 2
    with tempfile.TemporaryDirectory(prefix="digits-load-") as tmp:
        storage = Path(tmp)
        shutil.copy(model_path, storage / "classifier.pkl")
        log = open(storage / "servers.log", "w")
        port, base_port = free_port(), free_port()
        serve = [sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port)]
        baseline = [sys.executable, "-m", "benchmarks.baseline_server", "--port", str(base_port), "--train",
                    "--model", str(storage / "baseline.pkl")]
        print(f"Load benchmark: {os.cpu_count()} cores; ours = gunicorn {workers} workers x {threads} threads; "
              f"{SECONDS:.0f} s per run; {len(uris)} canvas drawings 280x280 RGBA, batches of {BATCH_SIZE}")
        process, first_start = start(serve, ours_env(storage, key), port, "/api/ready", log)
        figures = {}
        try:
            run_load(port, "/api/predict", singles, 2, seconds=1.0)  # warm-up
            print(f"\n  {'server':9s} {'endpoint':20s} {'conc':>4s} {'requests':>8s} {'req/s':>9s} {'images/s':>9s} "
                  f"{'p50 ms':>8s} {'p99 ms':>8s} {'errors':>6s}")
            for concurrency in CONCURRENCY:
                figures["ours", concurrency] = run_load(port, "/api/predict", singles, concurrency)
                print_row("ours", "/api/predict", concurrency, figures["ours", concurrency])
            for concurrency in CONCURRENCY:
                figures["batch", concurrency] = run_load(port, "/api/predict/batch", batches, concurrency)
                print_row("ours", f"/api/predict/batch*{BATCH_SIZE}", concurrency, figures["batch", concurrency],
                          BATCH_SIZE)
        finally:
            stop(process)
        process = subprocess.Popen(baseline, cwd=ROOT, stdout=log, stderr=log)
        try:
            wait_baseline(base_port, process, singles[0])
            run_load(base_port, "/api/predict", singles, 2, seconds=1.0)  # warm-up
            for concurrency in CONCURRENCY:
                figures["baseline", concurrency] = run_load(base_port, "/api/predict", singles, concurrency)
                print_row("baseline", "/api/predict", concurrency, figures["baseline", concurrency])
        finally:
            stop(process)
        process, restart = start(serve, ours_env(storage, key), port, "/api/ready", log)
        stop(process)
        log.close()
    print_targets(figures, first_start, restart)


def wait_baseline(port, process, body, timeout=120):
    """The baseline has no readiness route: wait until a prediction succeeds."""
    client, deadline = Client(port), time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the baseline server exited with {process.returncode}")
        if client.post("/api/predict", body)[0] == 200:
            return
        time.sleep(0.05)
    raise RuntimeError("the baseline server never answered")


def print_targets(figures, first_start, restart):
    """Each target beside the measured figure."""
    ours, base = figures["ours", 8], figures["baseline", 8]
    speedup = ours["rps"] / base["rps"] if base["rps"] else float("inf")
    best_batch = max(figures["batch", c]["rps"] * BATCH_SIZE for c in CONCURRENCY)

    def verdict(ok):
        return "met" if ok else "NOT met"

    print("\nTargets (2 cores)")
    print(f"  throughput at c=8 vs baseline  >= {TARGET_SPEEDUP:.0f}x   measured {speedup:6.1f}x "
          f"({ours['rps']:.1f} vs {base['rps']:.1f} req/s)  {verdict(speedup >= TARGET_SPEEDUP)}")
    print(f"  p99 at c=8                     < {TARGET_P99_MS:.0f} ms   measured {ours['p99']:6.1f} ms "
          f"(baseline {base['p99']:.1f} ms)  {verdict(ours['p99'] < TARGET_P99_MS)}")
    print(f"  batch throughput               >= {TARGET_BATCH:.0f}/s  measured {best_batch:6.1f} images/s "
          f"(baseline, one request per image: {max(figures['baseline', c]['rps'] for c in CONCURRENCY):.1f}/s)  "
          f"{verdict(best_batch >= TARGET_BATCH)}")
    print(f"  start-up, stored model         < {TARGET_STARTUP:.0f} s    measured {restart:6.2f} s "
          f"(first start, adopting the copied file: {first_start:.2f} s)  {verdict(restart < TARGET_STARTUP)}")


if __name__ == "__main__":
    main()
