"""Render digits the way a browser canvas exports them: an anti-aliased stroke on a transparent RGBA PNG.

A load_digits sample becomes a centre-line (upsample, threshold, skeletonize) that is drawn with round
pen strokes at a random size, position, slant and width by ``app.recognition.canvas.render_strokes`` (a
supersampled canvas downsampled with LANCZOS, so the edges are anti-aliased like a browser's).
Everything is seeded.
"""
import numpy as np
from PIL import Image, ImageDraw
from skimage.morphology import skeletonize

from app.recognition import preprocessing as pp
from app.recognition import training
from app.recognition.canvas import render_strokes

NEIGHBOURS = ((0, 1), (1, -1), (1, 0), (1, 1))  # each 8-connected pair once


def centreline(features, label=None, upsample=8):
    """8x8 block counts -> boolean skeleton image of the digit's pen path.

    Bicubic upsampling, then the ink level that draws the loops a person draws the digit with (the
    heavy 6, 8, 9s opened, no loop in a 3 whose arcs run together) without breaking the shape
    (``app.recognition.training.centre_level``, which the pen variants of the training set use too).
    """
    grid = np.pad(np.asarray(features, dtype=np.float32).reshape(8, 8) / 16, 1)
    size = 10 * upsample
    image = np.asarray(Image.fromarray(grid).resize((size, size), Image.Resampling.BICUBIC))
    return skeletonize(image > training.centre_level(image, min_hole_area=12, loops=training.LOOPS.get(label)))


def skeleton_segments(skeleton):
    """Pairs of 8-connected skeleton pixels -> list of ((r0, c0), (r1, c1)), plus the lone pixels."""
    rows, cols = np.nonzero(skeleton)
    on = set(zip(rows.tolist(), cols.tolist()))
    segments = [((r, c), (r + dr, c + dc)) for r, c in on for dr, dc in NEIGHBOURS if (r + dr, c + dc) in on]
    return segments, sorted(on)


def render_digit(features, rng, size=None, label=None):
    """A load_digits sample (of digit ``label``) -> a random canvas-like RGBA drawing of its centre-line."""
    segments, points = skeleton_segments(centreline(features, label))
    polylines = [[(c0, r0), (c1, r1)] for (r0, c0), (r1, c1) in segments] or [[(c, r)] for r, c in points]
    return render_strokes(polylines, rng, size)


def render_set(inputs, labels, renderings=2, seed=0):
    """Each sample drawn ``renderings`` times -> (list of RGBA images, labels)."""
    rng = np.random.default_rng(seed)
    images = [render_digit(sample, rng, label=label) for sample, label in zip(inputs, labels)
              for _ in range(renderings)]
    return images, np.repeat(labels, renderings)


def add_speck(image, rng, radius=None, gap=15):
    """The drawing with a stray dot of ink (a tap, a slip of the pen) at a random spot at least ``gap`` px
    outside the drawing's box, where the canvas has room; radius 1-4 px unless given."""
    alpha = image.getchannel("A")
    left, top, right, bottom = pp.visible_mask(alpha).getbbox()
    radius = radius or int(rng.integers(1, 5))
    spots = np.ones((image.height, image.width), dtype=bool)
    spots[max(top - gap, 0):bottom + gap, max(left - gap, 0):right + gap] = False
    spots[:radius], spots[-radius:], spots[:, :radius], spots[:, -radius:] = False, False, False, False
    free_rows, free_cols = np.nonzero(spots)
    if not free_rows.size:
        return image
    pick = rng.integers(free_rows.size)
    y, x = free_rows[pick], free_cols[pick]
    specked = image.copy()
    opacity = np.asarray(alpha)
    darkest = np.unravel_index(opacity.argmax(), opacity.shape)
    ink = image.getpixel((int(darkest[1]), int(darkest[0])))[:3]  # the colour of the most opaque pixel
    ImageDraw.Draw(specked).ellipse((x - radius, y - radius, x + radius, y + radius), fill=tuple(ink) + (255,))
    return specked
