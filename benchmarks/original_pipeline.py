"""The original design's pipeline, kept only as the reference the benchmarks compare with (the app no longer runs it).

Flatten the RGBA canvas on a background, grey it, take the ink, crop to it, pad 30 px, square, resize to 8x8 with
LANCZOS and rescale to 0..16 (``seed_features``). The ink map and the crop are the app's own steps.
"""
import numpy as np
from PIL import Image

from app.exceptions import EmptyImageError
from app.recognition.preprocessing import GRID, crop_to_ink, ink_map

MAX_VALUE = 16
SEED_PAD = 30  # pixels of margin the seed design added around the cropped ink
_LEVELS = np.arange(256)
_VISIBLE = [0] * 128 + [255] * 128  # alpha lookup table: a pixel is visible when more than half opaque


def ink_is_light(luma, alpha):
    """True when the visible pixels of a drawing on transparency are light on average (``L`` images)."""
    low, high = alpha.getextrema()
    if low > 127 or high <= 127:  # fully opaque or fully transparent: nothing to decide
        return False
    counts = np.asarray(luma.histogram(mask=alpha.point(_VISIBLE)), dtype=np.int64)
    return counts @ _LEVELS > 127.5 * counts.sum()


def background_luma(rgba):
    """0.0 (black) when the visible pixels of an RGBA image are light ink on transparency, else 1.0 (white)."""
    return 0.0 if ink_is_light(rgba.convert("L"), rgba.getchannel("A")) else 1.0


def remove_transparency(rgba):
    """RGBA Pillow image -> RGB array (0..1) with transparent pixels replaced by the background ``background_luma``
    chooses, so light ink on a transparent canvas never disappears."""
    pixels = np.asarray(rgba, dtype=np.float32) / 255.0
    rgb, alpha = pixels[..., :3], pixels[..., 3:]
    return rgb * alpha + background_luma(rgba) * (1.0 - alpha)


def to_grayscale(rgb):
    """RGB array in 0..1 -> luminance array in 0..1 (ITU-R 601, as Pillow's ``L`` mode)."""
    return rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)


def pad_to_square(ink, ratio=0.0):
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


def seed_features(rgba):
    """RGBA Pillow image -> 8x8 features 0..16 by the seed pipeline: crop to ink, pad 30 px, square, resize, rescale."""
    ink = crop_to_ink(ink_map(to_grayscale(remove_transparency(rgba))))
    return rescale(resize(pad_to_square(np.pad(ink, SEED_PAD))))
