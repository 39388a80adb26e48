"""POST /api/predict/batch: many drawings in, one answer or one error per drawing, in order."""
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from flask import current_app

from ..errors import ApiError, domain_error_status, error_body
from ..exceptions import EmptyImageError, ImageTooLargeError, InvalidImageError
from ..recognition.preprocessing import decode_payload, drawing_from_bytes, read_header
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
        width, height = read_header(raw, max_side).size
    except IMAGE_ERRORS:
        return 0
    return width * height


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


_pools = {}  # process id -> its thread pool: threads do not survive gunicorn's fork, so each worker makes its own


def preprocessing_pool(threads):
    """This process's pool of ``threads`` threads that read a batch's images side by side (OpenCV and zlib release
    the GIL while they decode and filter, so the threads use every core)."""
    pid = os.getpid()
    if pid not in _pools:
        _pools.clear()
        _pools[pid] = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="batch-images")
    return _pools[pid]


def read_images(files, max_side, threads):
    """Each image's (features, ``Shape``) or error slot, in order, ``threads`` at a time; between rounds the request
    is refused early (503 deadline_exceeded) if it would run past its time budget."""
    threads, slots = max(1, threads), []
    for start in range(0, len(files), threads):
        deadline.check(start, len(files) - start)
        chunk = files[start:start + threads]
        if len(chunk) == 1:
            slots.append(drawing_or_error(chunk[0], max_side))
        else:
            slots.extend(preprocessing_pool(threads).map(drawing_or_error, chunk, [max_side] * len(chunk)))
    return slots


@api.post("/predict/batch")
def predict_batch():
    """Classify every image of the batch with one vectorised model call; a bad image fails only its slot."""
    config = current_app.config
    images = images_field(json_body(), config["MAX_BATCH_SIZE"])
    active = current_app.extensions["classifier_repo"].current()  # 503 before any image is decoded
    files = [bytes_or_error(image) for image in images]
    check_total_pixels(files, config["MAX_IMAGE_SIDE"], config["MAX_BATCH_PIXELS"])
    slots = read_images(files, config["MAX_IMAGE_SIDE"], config["BATCH_THREADS"])
    good = [slot for slot in slots if isinstance(slot, tuple)]
    predictions = iter(active.model.predict(np.stack([f for f, _ in good]), [s for _, s in good]) if good else ())
    return {"predictions": [dict(prediction_json(next(predictions), slot[0]), model_version=active.version)
                            if isinstance(slot, tuple) else slot for slot in slots]}
