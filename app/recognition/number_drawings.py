"""Numbers drawn the way the page's Number mode exports them: real digits' pen strokes side by side on one wide canvas.

Each digit is traced into pen strokes (``drawings.pen_strokes``) and placed after the one before it, with its own
small changes of size, baseline and slant around the number's, as people write; one pen draws the whole number.
Neighbours stand apart by a gap from wide to just apart, or (``touching``) are pushed together until their strokes
meet and overlap slightly. Used by `benchmarks.number`, its tuning on the training digits, the tests and the
README's example image.
"""
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from . import drawings

DIGIT_HEIGHT = (40, 110)  # pixels: a digit's height on the canvas
PEN_SHARE = (0.06, 0.14)  # the pen's width as a share of the digit height
SLANT = (-0.25, 0.25)  # the number's slant (x shift per unit of height)
SLANT_JITTER = 0.06  # each digit's slant differs from the number's by up to this
SIZE_JITTER = 0.1  # each digit's height differs from the number's by up to this share
BASELINE_JITTER = 0.06  # each digit's baseline moves by up to this share of the height
TILT = 4.0  # degrees each digit may turn
GAP = (0.03, 0.6)  # gap between neighbours' ink, as a share of the height, from just apart to wide
MIN_GAP = 2.0  # pixels of background at least between neighbours that stand apart
TOUCH_DEPTH = (0.3, 1.0)  # how far touching strokes overlap, in pen widths (0: just touching)
MARGIN = (10, 60)  # pixels of canvas around the number
STEP = 0.5  # pixels between the points the distance between strokes is measured on


@dataclass
class NumberDrawing:
    """A composed number: its strokes (lists of (x, y) canvas points), the pen's width, the canvas size and each
    digit's stroke box (x, y, width, height), ink included."""

    strokes: list
    pen: float
    size: tuple
    boxes: list


def shaped(polylines, rng, height, slant):
    """A digit's polylines (28x28 units) slanted, turned a little and scaled to about ``height`` pixels, its
    top-left corner at the origin."""
    points = np.vstack(polylines)
    centre = points.mean(axis=0)
    angle = np.deg2rad(rng.uniform(-TILT, TILT))
    turn = np.array([[np.cos(angle), np.sin(angle)], [-np.sin(angle), np.cos(angle)]])
    lines = []
    for line in polylines:
        line = np.asarray(line, dtype=float) - centre
        line[:, 0] -= slant * line[:, 1]
        lines.append(line @ turn)
    stacked = np.vstack(lines)
    low, span = stacked.min(axis=0), np.ptp(stacked, axis=0)
    scale = height * (1 + rng.uniform(-SIZE_JITTER, SIZE_JITTER)) / max(span[1], 1e-9)
    return [(line - low) * scale for line in lines]


def dense_points(lines):
    """Points every ``STEP`` pixels along the polylines, for the distance between two digits' strokes."""
    points = []
    for line in lines:
        points.append(line[:1])
        for start, end in zip(line[:-1], line[1:]):
            count = max(1, int(np.ceil(np.linalg.norm(end - start) / STEP)))
            points.append(start + (end - start) * np.linspace(0, 1, count + 1)[1:, None])
    return np.vstack(points)


def touching_shift(placed, lines, pen, depth):
    """The x offset that puts ``lines`` after the ``placed`` strokes with their strokes overlapping by ``depth``
    pen widths (found by bisection on the distance between the two centre-lines)."""
    tree = cKDTree(dense_points(placed))
    points = dense_points(lines)
    target = pen * (1 - depth)
    far, near = max(p[:, 0].max() for p in placed) + pen, min(p[:, 0].min() for p in placed)
    for _ in range(30):
        middle = (far + near) / 2
        distance = tree.query(points + [middle, 0])[0].min()
        far, near = (middle, near) if distance > target else (far, middle)
    return far


def compose(digit_images, rng, touching=False):
    """28x28 grey digits (0..1) -> a ``NumberDrawing`` of them, left to right."""
    height = rng.uniform(*DIGIT_HEIGHT)
    pen = max(2.0, rng.uniform(*PEN_SHARE) * height)
    slant = rng.uniform(*SLANT)
    left, top = rng.uniform(*MARGIN), rng.uniform(*MARGIN) + BASELINE_JITTER * height
    placed, boxes, x = [], [], left
    for image in digit_images:
        lines = shaped(drawings.pen_strokes(image), rng, height, slant + rng.uniform(-SLANT_JITTER, SLANT_JITTER))
        baseline = top + height + rng.uniform(-BASELINE_JITTER, BASELINE_JITTER) * height
        drop = baseline - max(line[:, 1].max() for line in lines)
        lines = [line + [0, drop] for line in lines]
        if placed and touching:
            x = touching_shift(placed, lines, pen, rng.uniform(*TOUCH_DEPTH))
        elif placed:
            x += max(MIN_GAP, rng.uniform(*GAP) * height) + pen
        lines = [line + [x, 0] for line in lines]
        stacked = np.vstack(lines)
        low, high = stacked.min(axis=0) - pen / 2, stacked.max(axis=0) + pen / 2
        boxes.append((low[0], low[1], high[0] - low[0], high[1] - low[1]))
        placed.extend(lines)
        x = stacked[:, 0].max()
    stacked = np.vstack(placed)
    width = int(np.ceil(stacked[:, 0].max() + pen / 2 + rng.uniform(*MARGIN)))
    bottom = int(np.ceil(stacked[:, 1].max() + pen / 2 + rng.uniform(*MARGIN)))
    return NumberDrawing([line.tolist() for line in placed], pen, (width, bottom), boxes)


def render(number, rng):
    """A ``NumberDrawing`` -> the RGBA canvas export: a dark anti-aliased stroke on transparency."""
    strokes = [np.asarray(line)[i:i + 2] for line in number.strokes for i in range(max(len(line) - 1, 1))]
    strokes = [[tuple(point) for point in segment] for segment in strokes]
    return drawings.draw_strokes(strokes, number.size[0], number.pen, drawings.INKS[rng.integers(len(drawings.INKS))],
                                 height=number.size[1])
