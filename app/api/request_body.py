"""Reading request bodies the same way in every endpoint."""
from flask import request

from ..errors import ApiError


def json_body():
    """The request's JSON object, whatever Content-Type the client sent (curl -d sends form type).

    A body that is not JSON is 415; JSON that is not an object is 400.
    """
    body = request.get_json(force=True, silent=True)
    if body is None:
        raise ApiError(415, "unsupported_media_type",
                       'Send a JSON body such as {"image": "data:image/png;base64,..."} '
                       "with Content-Type: application/json.")
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_body", "The JSON body must be an object.")
    return body


def image_field(body):
    """The ``image`` string of a JSON body."""
    image = body.get("image")
    if image is None:
        raise ApiError(400, "missing_image", 'The body needs an "image" field: a PNG data URI or base64.')
    if not isinstance(image, str):
        raise ApiError(400, "invalid_image", 'The "image" field must be a string: a data URI or base64.')
    return image
