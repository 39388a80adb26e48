"""Rate limits per client address (Flask-Limiter): feedback always (FEEDBACK_RATE_LIMIT), predictions when
PREDICT_RATE_LIMIT is set. Counters live in Redis when REDIS_URL is set, so every worker and instance
shares them; in memory otherwise (then each worker process counts for itself).

Over a limit: 429 ``rate_limited`` in the one error shape, with Retry-After (seconds).
"""
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


def request_cost():
    """A batch counts each of its images against the prediction limit; anything else counts once."""
    body = request.get_json(force=True, silent=True) if request.endpoint == "api.predict_batch" else None
    images = body.get("images") if isinstance(body, dict) else None
    return len(images) if isinstance(images, list) and images else 1


def storage_uri(config):
    """Where the counters live: Redis when REDIS_URL is set, else this process's memory."""
    return config.get("REDIS_URL") or "memory://"


def init_app(app):
    """One limiter per app (its own counters), wrapped around the limited views."""
    limiter = Limiter(client_address, app=app, storage_uri=storage_uri(app.config), strategy="moving-window",
                      headers_enabled=True, key_prefix="digits", in_memory_fallback_enabled=True,
                      swallow_errors=True)
    for endpoint, (setting, scope) in LIMITED.items():
        limit = limiter.shared_limit(limit_setting(setting), scope=scope, exempt_when=limit_off(setting),
                                     cost=request_cost)
        app.view_functions[endpoint] = limit(app.view_functions[endpoint])
    app.extensions["rate_limiter"] = limiter
    return limiter
