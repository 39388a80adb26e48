"""A time budget per request (REQUEST_DEADLINE_SECONDS, below gunicorn's 30 s worker timeout).

Long work checks it between steps and stops with 503 ``deadline_exceeded`` as soon as it is past its budget or
projects to run past it, rather than run on until the worker is killed and the client gets a reset connection.
"""
import time

from flask import current_app, g

from ..errors import ApiError


def start():
    """Note when this request began (before_request)."""
    g.request_started = time.monotonic()


def check(done, remaining, what="images"):
    """Refuse the request if the time used so far, plus ``remaining`` more steps at the pace of the ``done``
    ones, passes the budget."""
    budget = current_app.config["REQUEST_DEADLINE_SECONDS"]
    if budget <= 0:
        return
    elapsed = time.monotonic() - g.get("request_started", time.monotonic())
    projected = elapsed + (elapsed / done * remaining if done else 0.0)
    if elapsed > budget or projected > budget:
        raise ApiError(503, "deadline_exceeded",
                       f"This request would take longer than its {budget:g} s: {done} {what} done in {elapsed:.1f} s, "
                       f"{remaining} to go. Nothing was answered; send fewer or smaller {what} per request.")


def init_app(app):
    """Start each request's clock."""
    app.before_request(start)
