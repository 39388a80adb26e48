"""Digits drawn the way a browser canvas exports a drawing: a dark anti-aliased stroke on a transparent PNG.

Used wherever the project measures itself as users meet it (the reference set, the benchmarks, the tests):
a digit becomes pen strokes (``pen_strokes``: its centre-line traced into polylines), and the strokes are
drawn with a round pen at a random size, place, slant and width on a canvas of random size
(``render_strokes``), supersampled and reduced with LANCZOS so the edges are anti-aliased like a browser's.
``render_ink`` draws a grey ink image itself instead (a soft brush's look), thickened or thinned.
A load_digits sample is drawn along its centre-line too (``render_digit``); ``add_speck`` adds a stray dot.
"""
import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage
from skimage.measure import approximate_polygon
from skimage.morphology import skeletonize

from . import preprocessing as pp
from . import training_set

SUPERSAMPLE = 4
INKS = ((0, 0, 0), (0x22, 0x22, 0x22), (20, 30, 120))
CANVAS_SIZES = (200, 400)  # smallest and largest canvas side, pixels
HEIGHT_SHARE = (0.35, 0.95)  # the digit's height as a share of the canvas
PEN_SHARE = (0.04, 0.16)  # the pen's width as a share of the digit's height
TRACE_UPSAMPLE = 4  # a 28x28 digit is traced at 112x112
TRACE_LEVEL = 0.5  # ink level of the traced shape
SIMPLIFY = 0.7  # pixels a simplified polyline may stray from the traced centre-line
NEIGHBOURS = ((0, 1), (1, -1), (1, 0), (1, 1))  # each 8-connected pair once
_OFFSETS = tuple((dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1) if dr or dc)


def _linked(on, p, q):
    """Whether skeleton pixels p and q are joined by an edge: neighbours, unless diagonal ones that a third
    pixel already joins at right angles (so a junction is one pixel, not a cluster of tiny loops)."""
    if p[0] == q[0] or p[1] == q[1]:
        return True
    return (p[0], q[1]) not in on and (q[0], p[1]) not in on


def draw_strokes(strokes, size=280, width=16, ink=(20, 20, 20), background=None, height=None):
    """Strokes (lists of (x, y) canvas points) -> RGBA image, ``size`` wide and ``height`` (default ``size``) high;
    background None means transparent."""
    height = height or size
    alpha = Image.new("L", (size * SUPERSAMPLE, height * SUPERSAMPLE), 0)
    pen = ImageDraw.Draw(alpha)
    radius = width * SUPERSAMPLE / 2
    for stroke in strokes:
        points = [(x * SUPERSAMPLE, y * SUPERSAMPLE) for x, y in stroke]
        if len(points) > 1:
            pen.line(points, fill=255, width=max(1, round(width * SUPERSAMPLE)), joint="curve")
        for x, y in points:  # round caps and joins
            pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    alpha = alpha.resize((size, height), Image.Resampling.LANCZOS)
    image = Image.new("RGBA", (size, height), ink + (0,))
    image.putalpha(alpha)
    if background is not None:
        flat = Image.new("RGBA", (size, height), background + (255,))
        flat.alpha_composite(image)
        return flat
    return image


def trace(skeleton):
    """A one-pixel-wide skeleton -> polylines of (row, col) pixels, each edge of its 8-connected graph walked once.

    Walks start at ends and junctions (pixels with other than two neighbours), then at what is left: loops.
    """
    on = set(zip(*np.nonzero(skeleton)))
    neighbours = {p: [q for q in ((p[0] + dr, p[1] + dc) for dr, dc in _OFFSETS) if q in on and _linked(on, p, q)]
                  for p in on}
    walked, paths = set(), []
    for start in sorted(on, key=lambda p: (len(neighbours[p]) == 2, p)):
        if not neighbours[start]:
            paths.append([start])
        for step in neighbours[start]:
            if frozenset((start, step)) in walked:
                continue
            walked.add(frozenset((start, step)))
            path = [start, step]
            while len(neighbours[path[-1]]) == 2:
                ahead = [p for p in neighbours[path[-1]] if frozenset((path[-1], p)) not in walked]
                if not ahead:
                    break
                walked.add(frozenset((path[-1], ahead[0])))
                path.append(ahead[0])
            paths.append(path)
    return paths


def pen_strokes(ink, upsample=TRACE_UPSAMPLE, level=TRACE_LEVEL):
    """A grey ink image (0..1) -> its centre-line as polylines of (x, y) points in the image's pixel units."""
    height, width = ink.shape
    big = Image.fromarray(np.asarray(ink, dtype=np.float32)).resize((width * upsample, height * upsample),
                                                                     Image.Resampling.BICUBIC)
    shape = np.asarray(big) > level
    strokes = []
    for path in trace(skeletonize(shape)):
        points = approximate_polygon(np.asarray(path, dtype=float), SIMPLIFY) if len(path) > 2 else np.asarray(path)
        strokes.append([((c + 0.5) / upsample, (r + 0.5) / upsample) for r, c in points])
    return strokes


def random_placement(points, rng, size, pen_share=PEN_SHARE):
    """Map (x, y) points onto a ``size`` canvas: random slant, rotation, height 35-95 %, position -> (points, pen)."""
    points = np.asarray(points, dtype=float)
    slant, angle = rng.uniform(-0.25, 0.25), np.deg2rad(rng.uniform(-8, 8))
    points = points - points.mean(axis=0)
    points[:, 0] -= slant * points[:, 1]
    points = points @ np.array([[np.cos(angle), np.sin(angle)], [-np.sin(angle), np.cos(angle)]])
    span = points.max(axis=0) - points.min(axis=0)
    height = rng.uniform(*HEIGHT_SHARE) * size
    scale = height / max(span[1], span[0] * 0.9, 1e-9)
    pen = max(2.0, rng.uniform(*pen_share) * height)
    points = (points - points.min(axis=0)) * scale
    extent = points.max(axis=0) + pen
    room = np.maximum(size - extent, 0)
    return points + pen / 2 + rng.uniform(0, 1, 2) * room, pen


def canvas_size(rng):
    """A canvas side between the smallest and the largest the page is shown at."""
    return int(rng.integers(CANVAS_SIZES[0], CANVAS_SIZES[1] + 1))


def render_strokes(polylines, rng, size=None, pen_share=PEN_SHARE):
    """Polylines of (x, y) points (any units) -> a random canvas-like RGBA drawing of them."""
    size = int(size or canvas_size(rng))
    placed, pen = random_placement(np.vstack(polylines), rng, size, pen_share)
    lines = np.split(placed, np.cumsum([len(line) for line in polylines])[:-1])
    # segment by segment, each with round caps: drawing whole polylines (curved joints) moves a few pixels
    strokes = [line[i:i + 2] for line in lines for i in range(max(len(line) - 1, 1))]
    return draw_strokes(strokes, size, pen, INKS[rng.integers(len(INKS))])


def render_ink(ink, rng, size=None):
    """A grey ink image (0..1) -> a random canvas-like RGBA drawing of the image itself: scaled to 35-95 % of
    the canvas height, placed anywhere, its strokes made up to a fifth heavier or lighter."""
    size = int(size or canvas_size(rng))
    ink = np.asarray(ink, dtype=np.float32)
    rows, cols = np.flatnonzero(ink.max(axis=1) > 0.05), np.flatnonzero(ink.max(axis=0) > 0.05)
    ink = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    height = int(rng.uniform(*HEIGHT_SHARE) * size)
    width = max(1, min(size - 2, round(ink.shape[1] * height / ink.shape[0])))
    scaled = np.clip(np.asarray(Image.fromarray(ink).resize((width, height), Image.Resampling.BICUBIC)), 0, 1)
    steps = int(round(rng.uniform(-0.2, 0.2) * height / 10))  # about a fifth of a typical stroke
    if steps > 0:
        scaled = ndimage.grey_dilation(scaled, size=(2 * steps + 1,) * 2)
    elif steps < 0 and ndimage.grey_erosion(scaled, size=(1 - 2 * steps,) * 2).max() > 0.5:
        scaled = ndimage.grey_erosion(scaled, size=(1 - 2 * steps,) * 2)
    top, left = (int(rng.integers(0, size - side + 1)) for side in (height, width))
    alpha = np.zeros((size, size), dtype=np.uint8)
    alpha[top:top + height, left:left + width] = np.rint(scaled * 255).astype(np.uint8)
    image = Image.new("RGBA", (size, size), INKS[rng.integers(len(INKS))] + (0,))
    image.putalpha(Image.fromarray(alpha))
    return image


def centreline(features, label=None, upsample=8):
    """8x8 block counts -> boolean skeleton image of the digit's pen path.

    Bicubic upsampling, then the ink level that draws the loops a person draws the digit with (the
    heavy 6, 8, 9s opened, no loop in a 3 whose arcs run together) without breaking the shape
    (``app.recognition.training_set.centre_level``, which the pen variants of the training set use too).
    """
    grid = np.pad(np.asarray(features, dtype=np.float32).reshape(8, 8) / 16, 1)
    size = 10 * upsample
    image = np.asarray(Image.fromarray(grid).resize((size, size), Image.Resampling.BICUBIC))
    return skeletonize(image > training_set.centre_level(image, min_hole_area=12, loops=training_set.LOOPS.get(label)))


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
