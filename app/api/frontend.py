"""Serves the built React app: its files, and index.html for every other non-API path.

It works as the 404 handler, so real API routes keep their own errors (a GET on a POST-only
route stays 405) and unknown /api paths stay JSON.
"""
from pathlib import Path

from flask import current_app, request, send_from_directory
from werkzeug.security import safe_join

from ..errors import handle_http_exception

NOT_BUILT = """<!doctype html><title>Digits</title>
<p>The drawing page is not built yet. Run <code>make run</code> (or <code>npm ci &amp;&amp; npm run build</code>).
The API works already: <code>POST /api/predict</code>.</p>"""


def serve_spa(error):
    """A built file if it exists, else index.html so client-side routes (/stats, /models) work."""
    if request.path.startswith("/api") or request.method not in ("GET", "HEAD"):
        return handle_http_exception(error)
    dist = current_app.config["FRONTEND_DIST"]
    path = request.path.lstrip("/")
    built = safe_join(str(dist), path) if path else None  # None for a path outside dist ("../index.html")
    if built is not None and Path(built).is_file():
        return send_from_directory(dist, path)
    if not (dist / "index.html").is_file():
        return NOT_BUILT, 503
    response = send_from_directory(dist, "index.html")
    response.headers["Cache-Control"] = "no-cache"
    return response


def init_app(app):
    """Answer unmatched paths with the SPA."""
    app.register_error_handler(404, serve_spa)
