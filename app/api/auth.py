"""The admin token that guards training and activating models (``Authorization: Bearer <ADMIN_TOKEN>``)."""
import functools
import hmac

from flask import current_app, request

from ..errors import ApiError

DISABLED = ("Training and activating models are turned off: no admin token is configured. "
            "Set the ADMIN_TOKEN environment variable, restart the server, and send "
            "`Authorization: Bearer <ADMIN_TOKEN>`.")


def check_admin():
    """Raise the right ApiError unless the request carries the configured admin token."""
    expected = current_app.config.get("ADMIN_TOKEN") or ""
    if not expected:
        raise ApiError(403, "admin_disabled", DISABLED)
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", "This needs the admin token: send `Authorization: Bearer <ADMIN_TOKEN>`.")
    if not hmac.compare_digest(token.strip().encode(), expected.encode()):
        raise ApiError(403, "forbidden", "The admin token is wrong. Use the ADMIN_TOKEN the server was started with.")


def admin_required(view):
    """Decorator: the view runs only for requests with the admin token."""

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        check_admin()
        return view(*args, **kwargs)

    return guarded
