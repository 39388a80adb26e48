"""Serves the built React app: static files, and index.html for every other non-API path."""
from flask import Blueprint, abort, current_app, send_from_directory

frontend = Blueprint("frontend", __name__)

NOT_BUILT = """<!doctype html><title>Digits</title>
<p>The drawing page is not built yet. Run <code>make run</code> (or <code>npm ci &amp;&amp; npm run build</code>).
The API works already: <code>POST /api/predict</code>.</p>"""


@frontend.get("/", defaults={"path": ""})
@frontend.get("/<path:path>")
def spa(path):
    """A built file if it exists, else index.html so client-side routes work (/stats, /models)."""
    if path == "api" or path.startswith("api/"):
        abort(404)
    dist = current_app.config["FRONTEND_DIST"]
    if path and (dist / path).is_file():
        return send_from_directory(dist, path)
    if not (dist / "index.html").is_file():
        return NOT_BUILT, 503
    response = send_from_directory(dist, "index.html")
    response.headers["Cache-Control"] = "no-cache"
    return response


def init_app(app):
    """Register the SPA routes (after the API blueprint)."""
    app.register_blueprint(frontend)
