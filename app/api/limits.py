"""Rate limits per client address (Flask-Limiter): feedback always (FEEDBACK_RATE_LIMIT), predictions when
PREDICT_RATE_LIMIT is set. Counters live in Redis when REDIS_URL is set, so every worker and instance
shares them; in memory otherwise (then each worker process counts for itself).

Over a limit: 429 ``rate_limited`` in the one error shape, with Retry-After (seconds).
"""
from functools import wraps

from flask import current_app, request
from flask_limiter import Limiter

from ..learning.clients import client_address

# endpoint -> (setting that holds its limit, the counter it shares)
LIMITED = {
    "api.feedback": ("FEEDBACK_RATE_LIMIT", "feedback"),
    "api.predict": ("PREDICT_RATE_LIMIT", "predict"),
    "api.predict_batch": ("PREDICT_RATE_LIMIT", "predict"),
    "api.predict_number": ("PREDICT_RATE_LIMIT", "predict"),
}


def limit_setting(name):
    """A callable the limiter asks on each request: the limit in the setting ``name`` (read live)."""
    return lambda: current_app.config[name]


def limit_off(name):
    """A callable: True when the setting ``name`` is empty, which turns its limit off."""
    return lambda: not current_app.config.get(name)


def limited_when_set(view, limited_view, setting):
    """The view that goes through the limiter only while the setting ``setting`` holds a limit (read live): with
    none, the limiter has nothing to count and its check (~0.09 ms) is skipped."""
    is_off = limit_off(setting)

    @wraps(view)
    def choose(*args, **kwargs):
        return (view if is_off() else limited_view)(*args, **kwargs)
    return choose


def request_cost():
    """A batch counts each of its images against the prediction limit; anything else counts once."""
    body = request.get_json(force=True, silent=True) if request.endpoint == "api.predict_batch" else None
    images = body.get("images") if isinstance(body, dict) else None
    return len(images) if isinstance(images, list) and images else 1


def storage_uri(config):
    """Where the counters live: Redis when REDIS_URL is set, else this process's memory."""
    return config.get("REDIS_URL") or "memory://"


def init_app(app):
    """One limiter per app (its own counters), wrapped around the limited views.

    Flask-Limiter also checks every request in a ``before_request`` hook, for default and application-wide limits.
    None is set here (each limit sits on its view), so that hook could only spend ~0.09 ms a request finding
    nothing: it is taken off. The views' own checks still count, answer 429 and add the headers.
    """
    limiter = Limiter(client_address, app=app, storage_uri=storage_uri(app.config), strategy="moving-window",
                      headers_enabled=True, key_prefix="digits", in_memory_fallback_enabled=True,
                      swallow_errors=True)
    app.before_request_funcs[None].remove(limiter._check_request_limit)
    for endpoint, (setting, scope) in LIMITED.items():
        limit = limiter.shared_limit(limit_setting(setting), scope=scope, cost=request_cost)
        view = app.view_functions[endpoint]
        app.view_functions[endpoint] = limited_when_set(view, limit(view), setting)
    app.extensions["rate_limiter"] = limiter
    return limiter
