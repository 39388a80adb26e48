"""Grey ink images (float, 0..1) as the training set and the measuring drawings handle them: made from
8x8 features, scaled smoothly, cut to their ink. (Serving reads drawings in ``preprocessing``.)"""
import numpy as np
from PIL import Image

from .preprocessing import GRID, MAX_VALUE


def block_ink(features):
    """8x8 block counts (0..16) -> ink levels 0..1 with one blank cell around, so scaling up has room at the edges."""
    return np.pad(np.asarray(features, dtype=np.float32).reshape(GRID, GRID) / MAX_VALUE, 1)


def resize_ink(ink, height, width):
    """The ink at ``height`` x ``width`` pixels, smooth (bicubic) and kept within 0..1."""
    image = Image.fromarray(np.ascontiguousarray(ink, dtype=np.float32))
    return np.clip(np.asarray(image.resize((int(width), int(height)), Image.Resampling.BICUBIC)), 0.0, 1.0)


def upsample_ink(ink, factor):
    """The ink ``factor`` times larger (bicubic, within 0..1)."""
    height, width = np.shape(ink)
    return resize_ink(ink, height * factor, width * factor)


def crop_around(ink, pad=0, level=0.05):
    """The part of the ink image around its ink (above ``level``), with ``pad`` pixels of room; a blank image
    is returned as it is."""
    inked = np.asarray(ink) > level
    rows, cols = np.flatnonzero(inked.any(axis=1)), np.flatnonzero(inked.any(axis=0))
    if not rows.size:
        return ink
    return np.pad(ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1], pad)
