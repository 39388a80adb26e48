"""Production serving: gunicorn's documented custom application (``BaseApplication``).

The master process only binds the socket and supervises. ``load`` runs in each worker after the
fork (``preload_app`` stays off), so every worker builds its own app with ``create_app`` and loads
the model once, into its own memory; nothing half-initialised is shared across the fork.
"""
from gunicorn.app.base import BaseApplication


def gunicorn_options(settings, host=None, port=None, workers=None, threads=None):
    """Gunicorn settings from our ``settings`` (WORKERS, THREADS, HOST, PORT), each overridable."""
    return {
        "bind": f"{host or settings.HOST}:{port or settings.PORT}",
        "workers": workers or settings.WORKERS,
        "threads": threads or settings.THREADS,
        "worker_class": "gthread",
        "preload_app": False,
        "timeout": 30,
        "graceful_timeout": 10,
        "accesslog": None,
        "errorlog": "-",
        "control_socket_disable": True,  # one fixed socket path would clash between servers on a machine
    }


class DigitsServer(BaseApplication):
    """Gunicorn running ``create_app(settings)`` in each worker."""

    def __init__(self, settings, options):
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self):
        """Copy our options into gunicorn's config (no command line or config file is read)."""
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        """Build the app; called in each worker after the fork."""
        from app import create_app

        return create_app(self.settings)  # which also limits OpenMP/BLAS to one thread per process
