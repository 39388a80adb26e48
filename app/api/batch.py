"""POST /api/predict/batch: many drawings in, one answer or one error per drawing, in order."""
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from flask import current_app

from ..errors import ApiError, domain_error_status, error_body
from ..exceptions import EmptyImageError, ImageTooLargeError, InvalidImageError
from ..recognition.preprocessing import drawing_from_payload
from . import api
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


def drawing_or_error(image, max_side):
    """(8x8 features, ``Shape``) of one image, or the error object its slot of the reply gets."""
    try:
        return drawing_from_payload(image, max_side)
    except IMAGE_ERRORS as error:
        _, code = domain_error_status(error)
        return error_body(code, str(error))


_pools = {}  # process id -> its thread pool: threads do not survive gunicorn's fork, so each worker makes its own


def preprocessing_pool(threads):
    """This process's pool of ``threads`` threads that read a batch's images side by side (OpenCV and zlib release
    the GIL while they decode and filter, so the threads use every core)."""
    pid = os.getpid()
    if pid not in _pools:
        _pools.clear()
        _pools[pid] = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="batch-images")
    return _pools[pid]


def read_images(images, max_side, threads):
    """Each image's (features, ``Shape``) or error slot, in order; on ``threads`` threads when there are several."""
    if threads <= 1 or len(images) == 1:
        return [drawing_or_error(image, max_side) for image in images]
    return list(preprocessing_pool(threads).map(drawing_or_error, images, [max_side] * len(images)))


@api.post("/predict/batch")
def predict_batch():
    """Classify every image of the batch with one vectorised model call; a bad image fails only its slot."""
    images = images_field(json_body(), current_app.config["MAX_BATCH_SIZE"])
    active = current_app.extensions["classifier_repo"].current()  # 503 before any image is decoded
    max_side = current_app.config["MAX_IMAGE_SIDE"]
    slots = read_images(images, max_side, current_app.config["BATCH_THREADS"])
    good = [slot for slot in slots if isinstance(slot, tuple)]
    predictions = iter(active.model.predict(np.stack([f for f, _ in good]), [s for _, s in good]) if good else ())
    return {"predictions": [dict(prediction_json(next(predictions), slot[0]), model_version=active.version)
                            if isinstance(slot, tuple) else slot for slot in slots]}
