"""A small hand-written sanity set: digits as a person draws them with a mouse, as point lists.

Styles that load_digits has few of on purpose: a 1 as one vertical stroke, 7 with a straight bar,
4 open and closed, 9 with a straight stem, flat-topped 3. Coordinates: x right, y down, ~60 x 100.
Each stroke is smoothed (Catmull-Rom) and rendered by ``canvas.render_strokes`` at random size,
position, slant and pen width.
"""
import numpy as np

from benchmarks.canvas import render_strokes

STYLES = {
    0: [[[(30, 0), (12, 10), (3, 35), (5, 70), (18, 95), (38, 98), (55, 80), (60, 45), (55, 15), (40, 0), (28, 2)]],
        [[(35, 0), (20, 15), (12, 50), (15, 85), (28, 100), (42, 88), (50, 50), (48, 15), (38, 0), (33, 4)]]],
    1: [[[(30, 0), (30, 100)]],
        [[(15, 20), (35, 0), (35, 100)]],
        [[(42, 0), (26, 100)]]],
    2: [[[(5, 20), (20, 3), (40, 0), (55, 12), (55, 35), (40, 60), (5, 100), (60, 100)]],
        [[(8, 25), (15, 8), (32, 0), (50, 8), (52, 28), (35, 55), (15, 80), (2, 100), (30, 96), (62, 98)]]],
    3: [[[(5, 10), (25, 0), (48, 8), (50, 28), (30, 45), (20, 47), (42, 52), (55, 72), (45, 94), (22, 100), (3, 90)]],
        [[(5, 0), (55, 0), (25, 40), (45, 45), (58, 70), (45, 95), (20, 100), (3, 88)]]],
    4: [[[(35, 0), (5, 65), (60, 65)], [(45, 30), (45, 100)]],
        [[(45, 100), (45, 0), (2, 65), (60, 65)]],
        [[(10, 0), (5, 55), (58, 55)], [(48, 0), (48, 100)]]],
    5: [[[(55, 0), (12, 0), (8, 45), (30, 38), (52, 50), (56, 75), (42, 95), (20, 100), (3, 90)]],
        [[(10, 0), (5, 45), (30, 38), (52, 50), (56, 75), (42, 95), (20, 100), (3, 90)], [(10, 0), (55, 0)]]],
    6: [[[(50, 5), (35, 0), (15, 15), (5, 50), (8, 85), (25, 100), (45, 95), (55, 75), (48, 55), (28, 50), (10, 62)]],
        [[(45, 0), (15, 40), (5, 75), (15, 98), (40, 100), (55, 80), (45, 58), (20, 58), (8, 72)]]],
    7: [[[(3, 0), (58, 0), (25, 100)]],
        [[(3, 5), (58, 0), (40, 45), (28, 100)]],
        [[(3, 0), (58, 0), (25, 100)], [(20, 50), (55, 50)]]],
    8: [[[(50, 12), (30, 0), (10, 10), (12, 32), (30, 48), (52, 65), (55, 88), (32, 100), (8, 90), (8, 70),
          (30, 48), (48, 32), (50, 12)]],
        [[(30, 45), (12, 35), (10, 12), (30, 0), (50, 12), (48, 35), (30, 45), (8, 60), (5, 85), (30, 100),
          (55, 85), (52, 60), (30, 45)]]],
    9: [[[(55, 10), (35, 0), (12, 8), (8, 30), (25, 45), (50, 35), (55, 10), (55, 100)]],
        [[(52, 15), (30, 0), (8, 15), (12, 38), (35, 42), (54, 25), (52, 15), (50, 60), (40, 90), (20, 100)]],
        [[(55, 20), (30, 0), (8, 20), (25, 45), (55, 30)], [(55, 10), (52, 100)]]],
}


def smooth(points, per_segment=8):
    """Catmull-Rom spline through the points, like the dense samples of a mouse stroke."""
    points = np.asarray(points, dtype=float)
    if len(points) < 3:
        return points
    padded = np.vstack([points[:1], points, points[-1:]])
    t = np.linspace(0, 1, per_segment, endpoint=False)[:, None]
    curve = []
    for p0, p1, p2, p3 in zip(padded[:-3], padded[1:-2], padded[2:-1], padded[3:]):
        curve.append(0.5 * (2 * p1 + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t ** 2
                            + (-p0 + 3 * p1 - 3 * p2 + p3) * t ** 3))
    return np.vstack(curve + [points[-1:]])


def render_handdrawn(renderings=4, seed=0):
    """Every style of every digit drawn ``renderings`` times -> (RGBA images, labels)."""
    rng = np.random.default_rng(seed)
    images, labels = [], []
    for digit, styles in STYLES.items():
        for strokes in styles:
            for _ in range(renderings):
                images.append(render_strokes([smooth(stroke) for stroke in strokes], rng))
                labels.append(digit)
    return images, np.asarray(labels)
