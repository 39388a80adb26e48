"""The JSON API blueprint, mounted at /api."""
from flask import Blueprint

api = Blueprint("api", __name__, url_prefix="/api")

from . import health, predict  # noqa: E402,F401  (routes register themselves on ``api``)
from . import batch, number, openapi  # noqa: E402,F401
from . import feedback, models, review, stats  # noqa: E402,F401
