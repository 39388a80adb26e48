"""Load benchmark: ``python -m benchmarks.load`` (``make bench-load``).

Three servers, one after another in the same run, get the same load from wrk (a C load generator,
so it takes little of the cores the servers share): the floor (``benchmarks/floor_server.py``: JSON,
base64 and PNG decoding only, gunicorn with our options), the original design's server
(``benchmarks/baseline_server.py``) and ours (``manage.py serve`` with a temporary copy of the active
stored model). ``/api/predict`` gets 100 rotating canvas drawings (200-400 px PNG data URIs) from 8
connections; ``/api/predict/batch`` 25 bodies of 64 of them from 2 connections. Absolute figures drift
with the machine, so targets are shares of the floor measured in the same run. Then ours' start-up
and the growth table (``benchmarks/growth.py``). Traffic goes to 127.0.0.1 only; each run is bounded
in time.
"""
import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from app.recognition.drawings import data_uri, render_digit
from evaluation.processes import free_port, process_table, stop

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "benchmarks" / "wrk" / "rotate.lua"
DRAWINGS, CONNECTIONS = 100, 8
BATCH_BODIES, BATCH_SIZE, BATCH_CONNECTIONS = 25, 64, 2
SECONDS, WARM_UP = 10, 2  # per run
TARGET_SHARE, TARGET_P99_RATIO, TARGET_STARTUP = 0.6, 2.0, 3.0  # issue 24: shares and ratios of the floor's
SERVERS = ("floor", "original", "ours")


def drawings(count=DRAWINGS, seed=7):
    """Canvas PNG data URIs of held-out load_digits, ``count // 10`` of each digit, 200-400 px, seeded."""
    from app.recognition.training_set import heldout_indices, load_base_digits

    inputs, labels = load_base_digits()
    held = heldout_indices(labels)
    chosen = np.concatenate([held[labels[held] == digit][:count // 10] for digit in range(10)])
    rng = np.random.default_rng(seed)
    return [data_uri(render_digit(inputs[i], rng, label=labels[i])) for i in chosen]


def write_bodies(folder, uris):
    """The wrk body files: (singles, batches), one JSON body per line."""
    singles, batches = folder / "singles.jsonl", folder / "batches.jsonl"
    singles.write_text("".join(json.dumps({"image": uri}) + "\n" for uri in uris))
    step = len(uris) // BATCH_BODIES
    batches.write_text("".join(
        json.dumps({"images": [uris[(i * step + j) % len(uris)] for j in range(BATCH_SIZE)]}) + "\n"
        for i in range(BATCH_BODIES)))
    return singles, batches


def wrk(port, path, bodies, connections, seconds):
    """One wrk run -> dict: requests, seconds, non2xx, socket_errors, p50_ms, p99_ms, rps."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(LUA),
               f"http://127.0.0.1:{port}{path}", "--", str(bodies)]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def process_tree_cpu(pid):
    """CPU seconds (user + system) used so far by process ``pid`` and its children (gunicorn's workers).

    Unlike requests/s, CPU per request hardly moves when other people's work shares the cores.
    """
    ticks = sum(used for child, (parent, used) in process_table().items() if pid in (child, parent))
    return ticks / os.sysconf("SC_CLK_TCK")


def request_status(port, method, path, body=None):
    """The status of one request on a fresh connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def wait_ready(port, process, method, path, body=None, timeout=120):
    """Wait until ``method path`` answers 200; raise when the process exits or time runs out."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            if request_status(port, method, path, body) == 200:
                return
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"not ready after {timeout} s")


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


def server_commands(storage, key, port):
    """name -> (command, environment, ready request (method, path, body), has a batch endpoint)."""
    python = sys.executable
    first = json.loads((storage / "singles.jsonl").read_text().splitlines()[0])
    return {
        "floor": ([python, "-m", "benchmarks.floor_server", "--port", str(port)], os.environ,
                  ("GET", "/api/ready", None), True),
        "original": ([python, "-m", "benchmarks.baseline_server", "--port", str(port), "--train",
                      "--model", str(storage / "baseline.pkl")], os.environ,
                     ("POST", "/api/predict", json.dumps(first)), False),
        "ours": ([python, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port)], ours_env(storage, key),
                 ("GET", "/api/ready", None), True),
    }


def measure(name, spec, port, bodies, log):
    """Start one server, warm it up, load its endpoints, stop it -> dict of figures."""
    command, env, (method, path, body), has_batch = spec
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        wait_ready(port, process, method, path, body)
        figures = {"startup": time.perf_counter() - started}
        wrk(port, "/api/predict", bodies[0], CONNECTIONS, WARM_UP)
        figures["predict"] = loaded_cpu(process.pid, port, "/api/predict", bodies[0], CONNECTIONS, 1)
        if has_batch:
            figures["batch"] = loaded_cpu(process.pid, port, "/api/predict/batch", bodies[1], BATCH_CONNECTIONS,
                                          BATCH_SIZE)
    finally:
        stop(process)
    return figures


def loaded_cpu(pid, port, path, bodies, connections, images):
    """One wrk run, with the server's CPU milliseconds per image."""
    before = process_tree_cpu(pid)
    figures = wrk(port, path, bodies, connections, SECONDS)
    figures["cpu_ms"] = (process_tree_cpu(pid) - before) * 1000 / max(figures["requests"] * images, 1)
    return figures


def print_table(results):
    """The servers side by side, each as a share of the floor."""
    floor = results.get("floor")
    print(f"\n  {'server':9s} {'req/s':>8s} {'of floor':>9s} {'p50 ms':>7s} {'p99 ms':>7s} {'non-2xx':>8s} "
          f"{'CPU ms':>7s} {'batch img/s':>12s} {'of floor':>9s} {'non-2xx':>8s} {'CPU ms':>7s}")
    for name, figures in results.items():
        single, batch = figures["predict"], figures.get("batch")
        share = f"{single['rps'] / floor['predict']['rps']:9.0%}" if floor else f"{'':9s}"
        line = (f"  {name:9s} {single['rps']:8.1f} {share} {single['p50_ms']:7.1f} {single['p99_ms']:7.1f} "
                f"{single['non2xx'] + single['socket_errors']:8d} {single['cpu_ms']:7.2f}")
        if batch:
            images = batch["rps"] * BATCH_SIZE
            share = f"{images / (floor['batch']['rps'] * BATCH_SIZE):9.0%}" if floor else ""
            line += f" {images:12.1f} {share} {batch['non2xx'] + batch['socket_errors']:8d} {batch['cpu_ms']:7.2f}"
        else:
            line += f" {'-':>12s}"
        print(line)


def print_targets(results):
    """Each target beside ours' figure."""
    ours, floor = results["ours"], results["floor"]
    single = ours["predict"]["rps"] / floor["predict"]["rps"]
    batch = ours["batch"]["rps"] / floor["batch"]["rps"]
    errors = sum(ours[kind]["non2xx"] + ours[kind]["socket_errors"] for kind in ("predict", "batch"))

    def verdict(ok):
        return "met" if ok else "NOT met"

    p99_ratio = ours["predict"]["p99_ms"] / floor["predict"]["p99_ms"]
    print("\nTargets (shares of the floor measured in this run)")
    print(f"  /api/predict req/s at {CONNECTIONS} connections  >= {TARGET_SHARE:.0%} of the floor: "
          f"{single:.0%}  {verdict(single >= TARGET_SHARE)}")
    print(f"  p99 at {CONNECTIONS} connections           <= {TARGET_P99_RATIO:.0f} x the floor's: {p99_ratio:.2f} x "
          f"({ours['predict']['p99_ms']:.1f} / {floor['predict']['p99_ms']:.1f} ms)  {verdict(p99_ratio <= TARGET_P99_RATIO)}")
    print(f"  /api/predict/batch images/s             >= {TARGET_SHARE:.0%} of the floor: {batch:.0%}  "
          f"{verdict(batch >= TARGET_SHARE)}")
    print(f"  non-2xx under load                      0: {errors}  {verdict(errors == 0)}")
    cpu = floor["predict"]["cpu_ms"] / ours["predict"]["cpu_ms"]
    batch_cpu = floor["batch"]["cpu_ms"] / ours["batch"]["cpu_ms"]
    print(f"  server CPU per image: floor {floor['predict']['cpu_ms']:.2f} ms, ours {ours['predict']['cpu_ms']:.2f} ms "
          f"(batch: {floor['batch']['cpu_ms']:.2f} / {ours['batch']['cpu_ms']:.2f} ms): with the cores to itself, "
          f"ours could reach {cpu:.0%} of the floor's req/s ({batch_cpu:.0%} of its batch images/s)")
    print(f"  start-up with a stored model            < {TARGET_STARTUP:.0f} s: {ours['startup']:.2f} s "
          f"(process start to the first /api/ready 200)  {verdict(ours['startup'] < TARGET_STARTUP)}")


def main(argv=None):
    """Run every measurement and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", default=",".join(SERVERS), help="comma-separated subset of " + ", ".join(SERVERS))
    parser.add_argument("--no-growth", action="store_true", help="skip the growth table")
    args = parser.parse_args(argv)
    chosen = [name for name in SERVERS if name in args.servers.split(",")]
    if shutil.which("wrk") is None:
        subprocess.run(["bash", str(ROOT / "scripts" / "ensure-wrk.sh")], check=True)
    uris = drawings()
    model_path, key = stored_model()
    from settings import Settings

    workers, threads = Settings.WORKERS, Settings.THREADS
    print(f"Load benchmark: {os.cpu_count()} cores; wrk, {SECONDS} s per run after {WARM_UP} s of warm-up; "
          f"{len(uris)} canvas drawings 200-400 px to /api/predict from {CONNECTIONS} connections, "
          f"{BATCH_BODIES} bodies of {BATCH_SIZE} to /api/predict/batch from {BATCH_CONNECTIONS}; "
          f"floor and ours: gunicorn {workers} workers x {threads} threads")
    results = {}
    with tempfile.TemporaryDirectory(prefix="digits-load-") as tmp:
        storage = Path(tmp)
        shutil.copy(model_path, storage / "classifier.pkl")
        bodies = write_bodies(storage, uris)
        port = free_port()
        with open(storage / "servers.log", "w") as log:
            commands = server_commands(storage, key, port)
            for name in chosen:
                results[name] = measure(name, commands[name], port, bodies, log)
                print(f"  measured {name}", flush=True)
    print_table(results)
    if {"floor", "ours"} <= results.keys():
        print_targets(results)
    if not args.no_growth:
        from benchmarks import growth

        growth.main([])


if __name__ == "__main__":
    main()
