"""The original design's pipeline (the design card's seed server), the reference the benchmarks compare with.

A drawing is flattened on white and inverted, cropped to its ink, given 30 px of margin, made square, resized
to 8x8 (LANCZOS) and rescaled to 0..16; k=3 kNN on all of load_digits answers. The app never uses it
(it reads drawings in app/recognition/preprocessing.py); ``benchmarks.accuracy`` measures it beside ours and
``benchmarks.baseline_server`` serves it for the load benchmark (so it imports nothing of the app: the
original server's start-up stays its own).
"""
import base64
import io

import numpy as np
from PIL import Image
from sklearn.datasets import load_digits
from sklearn.neighbors import KNeighborsClassifier

PAD = 30  # pixels of margin the seed design added around the cropped ink
INK_LEVEL = 38  # a pixel is ink when it is this much darker than white (0..255: 15 % of full contrast)
GRID, MAX_VALUE = 8, 16
NEIGHBOURS = 3


def image_from_uri(uri):
    """A data URI (or bare base64) -> RGBA Pillow image, decoded as the original did: no checks."""
    return Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[-1]))).convert("RGBA")


def ink_on_white(rgba):
    """RGBA image -> ink 0..255 (float): flattened on white, inverted."""
    flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    flat.alpha_composite(rgba)
    return 255.0 - np.asarray(flat.convert("L"), dtype=np.float64)


def crop_to_ink(ink, level=INK_LEVEL):
    """The ink's bounding box; ValueError when nothing is drawn."""
    rows, cols = np.flatnonzero(ink.max(axis=1) > level), np.flatnonzero(ink.max(axis=0) > level)
    if not rows.size:
        raise ValueError("Nothing is drawn: the image has no ink.")
    return ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


def pad_to_square(ink):
    """The ink centred in the smallest square that holds it."""
    side = max(ink.shape)
    top, left = (side - ink.shape[0]) // 2, (side - ink.shape[1]) // 2
    return np.pad(ink, ((top, side - ink.shape[0] - top), (left, side - ink.shape[1] - left)))


def resize(ink, size=GRID):
    """Resize to ``size`` x ``size`` with Pillow's LANCZOS filter (its overshoot clipped at 0)."""
    small = Image.fromarray(ink.astype(np.float32), mode="F").resize((size, size), Image.Resampling.LANCZOS)
    return np.clip(np.asarray(small), 0, None)


def rescale(values, max_value=MAX_VALUE):
    """Integers 0..max_value, the darkest cell becoming ``max_value``, like load_digits."""
    return np.rint(values / values.max() * max_value).astype(np.uint8)


def original_features(rgba):
    """RGBA image -> 8x8 uint8 features 0..16 through the whole original pipeline."""
    return rescale(resize(pad_to_square(np.pad(crop_to_ink(ink_on_white(rgba)), PAD))))


def original_knn():
    """The original model: k=3 kNN fitted on all 1,797 load_digits."""
    digits = load_digits()
    return KNeighborsClassifier(n_neighbors=NEIGHBOURS).fit(digits.data, digits.target)
