"""Generated requests over every endpoint of app/api/openapi.yaml, counted by status code: the target is 0 x 5xx.

Schemathesis builds each request from the served description, valid ones (positive) and invalid ones (negative)
in turn; the admin endpoints get the admin token, so their handlers run rather than stopping at 401. The app serves
the shipped model from a throwaway storage folder (benchmarks.harness), and trains quick versions when asked.

    python -m benchmarks.fuzz [--requests 10000]     (make bench-fuzz)
"""
import argparse
import threading
import time
from collections import Counter

import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from hypothesis.reporting import with_reporter
from schemathesis import GenerationMode

ADMIN_TOKEN = "fuzz-admin-token"


def operations(app):
    """Every operation the app's served description lists, as schemathesis operations."""
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def send_generated(operation, mode, count, token, statuses, failures):
    """Send ``count`` requests generated for ``operation`` in ``mode``, adding each status to ``statuses``.

    Hypothesis stops early once an operation has nothing new to generate (one with no inputs has one request),
    so it is asked again until ``count`` requests went out.
    """
    admin = bool(operation.definition.raw.get("security"))
    sent = 0

    def sender(mode):
        @given(case=operation.as_strategy(generation_mode=mode))
        @hypothesis_settings(max_examples=count, deadline=None, database=None, print_blob=False,
                             suppress_health_check=list(HealthCheck))
        def send(case):
            nonlocal sent
            if sent >= count:
                return
            if admin:
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
            response = case.call()
            sent += 1
            statuses[response.status_code] += 1
            if response.status_code >= 500 and len(failures) < 20:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:200]}")
        return send

    send = sender(mode)
    while sent < count:
        try:
            send()
        except Unsatisfiable:  # nothing of this operation can be made invalid (no inputs): send valid ones
            send = sender(GenerationMode.POSITIVE)


def fuzz(app, total, token=ADMIN_TOKEN):
    """Send ``total`` generated requests spread evenly over every operation and both modes, the admin ones with
    ``token`` -> (Counter of status codes, up to 20 lines describing 5xx replies)."""
    plan = [(operation, mode) for operation in operations(app) for mode in GenerationMode]
    statuses, failures = Counter(), []
    for index, (operation, mode) in enumerate(plan):
        share = total // len(plan) + (index < total % len(plan))
        with with_reporter(lambda _: None):  # not hypothesis's "reproduce with @seed" lines
            send_generated(operation, mode, share, token, statuses, failures)
    for thread in threading.enumerate():  # training runs POST /api/models started
        if thread.name.startswith("train-v"):
            thread.join()
    return statuses, failures


def fuzzed_app():
    """The shipped model from a throwaway folder, with an admin token and quick training runs."""
    from app.recognition.classifier_factory import ClassifierFactory
    from benchmarks.harness import serving_app

    app, _ = serving_app()
    app.config["ADMIN_TOKEN"] = ADMIN_TOKEN
    app.extensions["classifier_factory"] = lambda: ClassifierFactory(cv_folds=2, n_variants=0, handwriting_variants=0)
    return app


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    args = parser.parse_args()
    app = fuzzed_app()
    started = time.perf_counter()
    statuses, failures = fuzz(app, args.requests)
    elapsed = time.perf_counter() - started
    print(f"{sum(statuses.values())} generated requests over {len(operations(app))} operations in {elapsed:.0f} s")
    print("status  requests")
    for status, count in sorted(statuses.items()):
        print(f"{status:>6}  {count:>8}")
    server_errors = sum(count for status, count in statuses.items() if status >= 500)
    print(f"5xx: {server_errors}")
    for failure in failures:
        print("  " + failure)
    return 1 if server_errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
