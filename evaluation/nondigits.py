"""Things that are not one digit, drawn the way a canvas exports them: scribbles, shapes, letters, dots, lines,
and two real handwritten digits side by side.

Each generator returns polylines in a unit box; ``app.recognition.drawings.render_strokes`` places them at a
random size, position and stroke width, exactly as held-out digits are drawn. Letters come from
Pillow's own scalable font, reduced to their centre-line so they are drawn with the same pen.
Letters that people also write as digits (O, I, l, S, Z, B, g, q, b, G, T, J) are left out.
"""
import numpy as np
from PIL import Image, ImageDraw, ImageFont
from skimage.morphology import skeletonize

from app.recognition.drawings import pen_strokes, render_strokes, skeleton_segments
from app.recognition.handwriting import load_real_digits, split_indices

LETTERS = "ACEFHKMNPRUVWXYaehkmnrwxy"
KINDS = ("scribble", "circle", "square", "cross", "letter", "dot", "line", "pair")


def scribble(rng):
    """A random zig-zag of 6-14 points, the way someone tests a pen."""
    return [rng.uniform(0, 1, (rng.integers(6, 15), 2))]


def circle(rng):
    """A round or slightly oval closed loop."""
    t = np.linspace(0, 2 * np.pi, 48)
    return [np.column_stack([np.cos(t), rng.uniform(0.8, 1.2) * np.sin(t)])]


def square(rng):
    """A closed square outline."""
    return [np.array([(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)], dtype=float)]


def cross(rng):
    """Two crossing strokes, upright (+) or diagonal (x)."""
    if rng.random() < 0.5:
        return [np.array([(0.5, 0), (0.5, 1)]), np.array([(0, 0.5), (1, 0.5)])]
    return [np.array([(0, 0), (1, 1)]), np.array([(1, 0), (0, 1)])]


def dot(rng):
    """A single tap."""
    return [np.array([(0.5, 0.5)])]


def line(rng):
    """A long straight stroke across the canvas, horizontal or gently sloped."""
    slope = rng.uniform(-0.3, 0.3)
    return [np.array([(0, 0.5), (1, 0.5 + slope)])]


def glyph(character, size=96):
    """A character's centre-line from Pillow's built-in font, as two-point strokes."""
    font = ImageFont.load_default(size=size)
    mask = Image.new("L", (160, 160), 0)
    ImageDraw.Draw(mask).text((20, 10), character, fill=255, font=font)
    segments, _ = skeleton_segments(skeletonize(np.asarray(mask) > 127))
    return [np.array([(c0, r0), (c1, r1)], dtype=float) for (r0, c0), (r1, c1) in segments]


def letter(rng):
    """A random letter that nobody writes as a digit."""
    return glyph(LETTERS[rng.integers(len(LETTERS))])


def pair(rng, pool=None):
    """Two real digits written side by side, as one drawing (a number, not a digit): validation digits, or the
    ``pool`` of indices given (the training digits when choices are tuned)."""
    images = load_real_digits()[0]
    pool = split_indices()[1] if pool is None else pool
    first, second = (pen_strokes(images[i]) for i in rng.choice(pool, 2, replace=False))
    gap = rng.uniform(2, 8)  # pixels of the 28x28 digits between them
    right = max(x for stroke in first for x, _ in stroke)
    left = min(x for stroke in second for x, _ in stroke)
    return first + [[(x - left + right + gap, y) for x, y in stroke] for stroke in second]


GENERATORS = {"scribble": scribble, "circle": circle, "square": square, "cross": cross,
              "letter": letter, "dot": dot, "line": line, "pair": pair}


def render_nondigits(per_kind=40, seed=1, pair_pool=None):
    """``per_kind`` drawings of each kind -> (list of RGBA images, list of kind names); ``pair_pool``: the real
    digits pairs are made of (default: the validation digits)."""
    rng = np.random.default_rng(seed)
    generators = dict(GENERATORS, pair=lambda generator_rng: pair(generator_rng, pair_pool))
    images, kinds = [], []
    for kind in KINDS:
        for _ in range(per_kind):
            images.append(render_strokes(generators[kind](rng), rng))
            kinds.append(kind)
    return images, kinds
