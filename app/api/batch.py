"""POST /api/predict/batch: many drawings in, one answer or one error per drawing, in order."""
import io
import struct

import numpy as np
from flask import current_app
from PIL import Image

from ..errors import ApiError, domain_error_status, error_body
from ..exceptions import EmptyImageError, ImageTooLargeError, InvalidImageError
from ..recognition.preprocessing import decode_payload, drawing_from_bytes
from . import api, deadline
from .request_body import json_body
from .serialize import prediction_json

IMAGE_ERRORS = (InvalidImageError, ImageTooLargeError, EmptyImageError)


def images_field(body, max_size):
    """The ``images`` list of a JSON body: present, a non-empty list, at most ``max_size`` long."""
    images = body.get("images")
    if images is None:
        raise ApiError(400, "missing_images", 'The body needs an "images" field: a list of PNG data URIs.')
    if not isinstance(images, list) or not images:
        raise ApiError(400, "invalid_images", 'The "images" field must be a non-empty list of PNG data URIs.')
    if len(images) > max_size:
        raise ApiError(413, "batch_too_large",
                       f"The batch has {len(images)} images; the limit is {max_size}. Split it into smaller batches.")
    return images


def slot_error(error):
    """The error object an image's slot of the reply gets for a domain exception."""
    _, code = domain_error_status(error)
    return error_body(code, str(error))


def bytes_or_error(image):
    """The file bytes of one image of the batch, or its slot's error object."""
    try:
        return decode_payload(image)
    except InvalidImageError as error:
        return slot_error(error)


def declared_pixels(raw, max_side):
    """Width x height from the image's header (no pixel decoded); 0 for what will fail its slot anyway
    (unreadable, or a side over ``max_side``)."""
    try:
        with Image.open(io.BytesIO(raw)) as image:
            width, height = image.size
    except (Image.DecompressionBombError, OSError, ValueError, SyntaxError, struct.error):
        return 0
    return width * height if max(width, height) <= max_side else 0


def check_total_pixels(files, max_side, max_pixels):
    """413 ``batch_too_many_pixels`` when the batch's images declare more than ``max_pixels`` in all."""
    total = sum(declared_pixels(raw, max_side) for raw in files if isinstance(raw, bytes))
    if total > max_pixels:
        raise ApiError(413, "batch_too_many_pixels",
                       f"The batch's images have {total:,} pixels in all; the limit is {max_pixels:,} "
                       "(MAX_BATCH_PIXELS). Send fewer or smaller images per batch.")


def drawing_or_error(raw, max_side):
    """(8x8 features, ``Shape``) of one image's bytes, or the error object its slot of the reply gets."""
    if not isinstance(raw, bytes):
        return raw
    try:
        return drawing_from_bytes(raw, max_side)
    except IMAGE_ERRORS as error:
        return slot_error(error)


def read_drawings(files, max_side):
    """Each image's drawing or error, in order, refused early (503 deadline_exceeded) if it would run past the
    request's time budget."""
    slots = []
    for index, raw in enumerate(files):
        deadline.check(index, len(files) - index)
        slots.append(drawing_or_error(raw, max_side))
    return slots


@api.post("/predict/batch")
def predict_batch():
    """Classify every image of the batch with one vectorised model call; a bad image fails only its slot."""
    config = current_app.config
    images = images_field(json_body(), config["MAX_BATCH_SIZE"])
    active = current_app.extensions["classifier_repo"].current()  # 503 before any image is decoded
    files = [bytes_or_error(image) for image in images]
    check_total_pixels(files, config["MAX_IMAGE_SIDE"], config["MAX_BATCH_PIXELS"])
    slots = read_drawings(files, config["MAX_IMAGE_SIDE"])
    good = [slot for slot in slots if isinstance(slot, tuple)]
    predictions = iter(active.model.predict(np.stack([f for f, _ in good]), [s for _, s in good]) if good else ())
    return {"predictions": [dict(prediction_json(next(predictions), slot[0]), model_version=active.version)
                            if isinstance(slot, tuple) else slot for slot in slots]}
