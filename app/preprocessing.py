"""Image -> 8x8 features in the 0..16 range of scikit-learn's ``load_digits``.

The single place that turns an image into features: the API, the CLI and the benchmarks all call
``features_from_payload`` / ``features_from_image``. Each step is a small named function.
"""
import base64
import binascii
import io
import re
import struct
import warnings

import numpy as np
from PIL import Image, ImageOps

from .exceptions import EmptyImageError, ImageTooLargeError, InvalidImageError

GRID = 8
MAX_VALUE = 16
# A pixel is ink when it differs from the background by more than this share of full contrast.
INK_THRESHOLD = 0.15
PAD_RATIO = 0.15

_DATA_URI = re.compile(r"^data:(?P<mime>[\w/+.-]*)(?P<params>(;[\w=.+-]+)*?)(;base64)?,", re.IGNORECASE)


def decode_payload(text):
    """Data URI (``data:image/png;base64,...``) or raw base64 -> bytes."""
    if not isinstance(text, str):
        raise InvalidImageError("The image must be a string: a data URI or base64.")
    match = _DATA_URI.match(text)
    if match:
        if not match.group(0).lower().endswith(";base64,"):
            raise InvalidImageError("Only base64 data URIs are supported (data:image/png;base64,...).")
        text = text[match.end():]
    compact = re.sub(r"\s+", "", text)
    compact += "=" * (-len(compact) % 4)  # tolerate stripped padding
    try:
        raw = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidImageError("The image is not valid base64. Send a PNG as a data URI.") from None
    if not raw:
        raise InvalidImageError("The image is empty. Send a PNG as a data URI.")
    return raw


def open_image(raw, max_side=4096):
    """Bytes -> RGBA Pillow image; dimensions are checked from the header before pixels decode."""
    try:
        image = Image.open(io.BytesIO(raw))
    except Image.DecompressionBombError:
        raise ImageTooLargeError(f"The image declares more pixels than the limit of {max_side} on each side. "
                                 "Send a smaller image.") from None
    except (OSError, ValueError, SyntaxError, struct.error):
        raise InvalidImageError("The data is not an image Pillow can read (PNG, JPEG, GIF, BMP, WebP).") from None
    width, height = image.size
    if width > max_side or height > max_side:
        raise ImageTooLargeError(
            f"The image is {width}x{height} pixels; the limit is {max_side} on each side. Send a smaller image."
        )
    if width < 1 or height < 1:
        raise InvalidImageError("The image has no pixels.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.seek(0)  # first frame of an animation
            image = ImageOps.exif_transpose(image) or image
            return image.convert("RGBA")
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombWarning,
            Image.DecompressionBombError, struct.error):
        raise InvalidImageError("The image is truncated or corrupt. Send the whole file.") from None


def remove_transparency(rgba):
    """RGBA image -> RGB array with transparent pixels replaced by a background.

    The background is white unless the visible ink is itself light (light strokes on a transparent
    canvas), in which case it is black, so the ink never disappears.
    """
    pixels = np.asarray(rgba, dtype=np.float32) / 255.0
    rgb, alpha = pixels[..., :3], pixels[..., 3:]
    background = 1.0
    visible = alpha[..., 0] > 0.5
    if visible.any() and not visible.all():
        ink_luma = rgb[visible].mean()
        background = 0.0 if ink_luma > 0.5 else 1.0
    return rgb * alpha + background * (1.0 - alpha)


def to_grayscale(rgb):
    """RGB array in 0..1 -> luminance array in 0..1 (ITU-R 601, as Pillow's ``L`` mode)."""
    return rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)


def ink_map(gray):
    """Grayscale -> ink intensity 0..1, whichever way round ink and background are.

    The background is the median of the border pixels; ink is the difference from it.
    """
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    background = float(np.median(border))
    ink = gray - background if background < 0.5 else background - gray
    contrast = max(background, 1.0 - background)
    return np.clip(ink / contrast, 0.0, 1.0)


def crop_to_ink(ink, threshold=INK_THRESHOLD):
    """Cut the ink map to the bounding box of its ink; raise EmptyImageError when there is none."""
    rows = np.flatnonzero((ink > threshold).any(axis=1))
    cols = np.flatnonzero((ink > threshold).any(axis=0))
    if rows.size == 0:
        raise EmptyImageError("Nothing is drawn: the image has no ink. Draw a digit.")
    return ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


def pad_to_square(ink, ratio=PAD_RATIO):
    """Centre the ink in a square with a margin of ``ratio`` of its longer side."""
    height, width = ink.shape
    side = int(round(max(height, width) * (1 + 2 * ratio)))
    top, left = (side - height) // 2, (side - width) // 2
    return np.pad(ink, ((top, side - height - top), (left, side - width - left)))


def resize(ink, size=GRID):
    """Resize to ``size`` x ``size`` with Pillow's LANCZOS filter."""
    image = Image.fromarray(ink.astype(np.float32), mode="F")
    return np.asarray(image.resize((size, size), Image.Resampling.LANCZOS))


def rescale(values, max_value=MAX_VALUE):
    """Scale to integers 0..max_value, the darkest cell becoming ``max_value``, like load_digits."""
    values = np.clip(values, 0.0, None)
    peak = values.max()
    if peak <= 0:
        raise EmptyImageError("Nothing is drawn: the image has no ink. Draw a digit.")
    return np.rint(values / peak * max_value).astype(np.uint8)


def features_from_image(rgba):
    """RGBA image -> 8x8 uint8 features 0..16: the whole pipeline after decoding."""
    ink = ink_map(to_grayscale(remove_transparency(rgba)))
    return rescale(resize(pad_to_square(crop_to_ink(ink))))


def features_from_bytes(raw, max_side=4096):
    """Image file bytes -> 8x8 features."""
    return features_from_image(open_image(raw, max_side))


def features_from_payload(text, max_side=4096):
    """Data URI or raw base64 -> 8x8 features."""
    return features_from_bytes(decode_payload(text), max_side)
