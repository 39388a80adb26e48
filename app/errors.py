"""The one JSON error shape of the API: ``{"error": {"code": ..., "message": ...}}``."""
from flask import current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from .exceptions import (
    EmptyImageError,
    ImageTooLargeError,
    InvalidImageError,
    ModelIntegrityError,
    ModelUnavailableError,
    TooManyDigitsError,
)


class ApiError(Exception):
    """An error the API answers with a given status, machine-readable code and human message."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


# Domain exceptions -> (status, code). The exception's own text is the message.
DOMAIN_ERRORS = {
    InvalidImageError: (400, "invalid_image"),
    ImageTooLargeError: (413, "image_too_large"),
    EmptyImageError: (422, "empty_image"),
    TooManyDigitsError: (422, "too_many_digits"),
    ModelUnavailableError: (503, "model_unavailable"),
    ModelIntegrityError: (503, "model_unavailable"),
}


def error_body(code, message):
    """The error object, as a whole reply body or as one slot of a batch reply."""
    return {"error": {"code": code, "message": message}}


def domain_error_status(error):
    """(status, code) of a domain exception, or None when it is none of ours."""
    for cls, status_code in DOMAIN_ERRORS.items():
        if isinstance(error, cls):
            return status_code
    return None


def error_response(status, code, message):
    """Build the JSON error response."""
    response = jsonify(error_body(code, message))
    response.status_code = status
    return response


def _snake_case(name):
    return name.lower().replace(" ", "_").replace("-", "_")


def handle_api_error(error):
    """Answer an ApiError as JSON."""
    return error_response(error.status, error.code, error.message)


def handle_domain_error(error):
    """Answer a domain exception with its mapped status and code."""
    status_code = domain_error_status(error)
    if status_code is None:
        raise error
    return error_response(*status_code, str(error))


def handle_http_exception(error):
    """Answer werkzeug's HTTP errors as JSON on /api paths; leave other paths to Flask."""
    if not request.path.startswith("/api"):
        return error
    if error.code == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        message = f"The request body is larger than the limit of {limit} bytes. Send a smaller image."
        return error_response(413, "payload_too_large", message)
    if error.code == 429:  # Flask-Limiter's RateLimitExceeded; it adds Retry-After to this response
        message = (f"Too many requests from your address: at most {error.description}. "
                   "Wait the number of seconds in the Retry-After header, then try again.")
        return error_response(429, "rate_limited", message)
    return error_response(error.code, _snake_case(error.name), error.description)


def handle_unexpected_error(error):
    """Keep the JSON shape even for bugs; details only in debug mode."""
    current_app.logger.exception("Unhandled error on %s", request.path)
    message = repr(error) if current_app.debug else "Internal error. It has been logged."
    return error_response(500, "internal_error", message)


def init_app(app):
    """Register every error handler on the app."""
    app.register_error_handler(ApiError, handle_api_error)
    for cls in DOMAIN_ERRORS:
        app.register_error_handler(cls, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected_error)
