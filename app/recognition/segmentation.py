"""A number drawn in one go -> its digits, left to right, each read the way /api/predict reads one drawing.

1. The ink is cut into connected parts (``scipy.ndimage.label``), on an ink map reduced by its block maximum
   when the canvas is large (thin strokes stay joined), and specks are dropped as preprocessing drops them.
2. Parts whose columns overlap by at least ``MERGE_OVERLAP`` of the narrower one's width are one digit: a 5's
   flag, a 4 or a 7 drawn in two strokes. A drawing of several parts that lies near the training data as a
   whole (under ``WHOLE_NEAR`` of the "not sure" threshold) is one digit. A part much shorter than the tallest
   digit (under ``FRAGMENT`` of its height) and close beside a digit (within ``FRAGMENT_GAP`` of it) belongs to
   that digit. Neighbours whose columns overlap by at least ``LOOSE_OVERLAP`` are joined when one of
   them is far from the training data and together they are not: a digit the pen broke into pieces.
3. A digit wider than ``SPLIT_ASPECT`` times its height may be digits that touch. It is cut at every other
   ``CUT_STEP`` of its middle and then beside the best of those cuts, each pair of halves read by the model, and the
   cut whose halves lie nearest the training data and are read most surely is kept, when the whole lies far from
   the training data (over ``CUT_FAR`` of the "not sure" threshold) and the halves much nearer: under
   ``SPLIT_GAIN`` of the whole's distance times the whole's width over its height, up to ``WIDEST`` (the wider a
   drawing, the likelier it is two digits). A half still wide is tried again (three digits touching).
4. Each digit (and each half a cut is tried with) is its ink alone, read as a drawing of its own (dark on
   transparency) would be, without making it (``preprocessing.alpha_ink``): the same preprocessing, model and
   "not sure" as a single drawing. A drawing read as one digit is passed on whole, so it reads exactly as
   /api/predict reads it.

The thresholds are chosen on numbers composed of the 4,000 training digits, each read by a model built without that
digit and its variants, so it lies as far from the training data as a new drawing does (`benchmarks.number --tune`).
"""
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image
from scipy import ndimage
from skimage.measure import block_reduce

from ..exceptions import EmptyImageError, TooManyDigitsError
from . import preprocessing as pp
from .uncertainty import outlier_score

MAX_DIGITS = 12  # a longer number is refused (422 too_many_digits)
WORK_SIDE = 400  # ink maps with a longer side are reduced by their block maximum before labelling
MERGE_OVERLAP = 0.5  # share of the narrower part's width two parts' columns overlap by to be one digit
LOOSE_OVERLAP = 0.0  # ... or by at least this, when one of them is far from the training data and together not
FRAGMENT = 0.4  # a part shorter than this share of the tallest digit's height, and which lies within
FRAGMENT_GAP = 0.1  # this share of it from a digit, is a piece of that digit (a 9's top or a 5's flag the pen left
# apart), never a digit of its own; farther, it may be the first stroke of the next digit, drawn while the page reads
SPLIT_ASPECT = 0.5  # width / height above which a digit may be digits that touch
SPLIT_GAIN = 0.45  # a cut is taken when its halves are nearer the training data than this share of the whole's
WIDEST = 2.0  # ... distance times its width / height, counted up to this (a long stroke is not cut again and again)
CUT_FAR = 0.9  # ... and the whole is farther than this share of the model's "far" threshold
FAR_WHOLE = 0.95  # pieces joined loosely are far alone and nearer than this share of "far" together
WHOLE_NEAR = 0.9  # a drawing of several parts nearer the training data than this share of "far" is one digit
CUT_MARGIN = 0.2  # a cut lies at least this share of the width from either edge
CUT_STEP = 0.05  # cuts are tried every other this share of the width, then beside the best
FRAME = 2  # transparent pixels around a digit's own drawing, so its border reads as background
EIGHT = np.ones((3, 3), dtype=bool)  # 8-connected neighbourhood
EIGHT_BYTES = EIGHT.view(np.uint8)  # the same, for OpenCV


@dataclass(frozen=True)
class Digit:
    """One digit of a number: its box (x, y, width, height) in the upload's pixels, the ``Drawing`` the model read,
    and the model's ``Prediction``."""

    box: tuple
    drawing: "Drawing"
    prediction: object

    @property
    def features(self):
        return self.drawing.features


@dataclass(frozen=True)
class Drawing:
    """A digit as the model reads it: its features and ``Shape``, and, when it was read from the digit's ink alone,
    that ink's 8-bit alpha cut to its mask (the upload itself when read whole)."""

    features: np.ndarray
    shape: object
    alpha: np.ndarray | None = None

    def image(self):
        """The canvas drawing a digit read from its ink alone stands for: its ink dark on transparency, ``FRAME``
        around it (never made to read it: ``digit_drawing``)."""
        alpha = np.pad(self.alpha, FRAME)
        image = Image.new("RGBA", alpha.shape[::-1], (0, 0, 0, 0))
        image.putalpha(Image.fromarray(alpha))
        return image


@dataclass
class InkParts:
    """The drawing's ink: the full-resolution map (0..1), its reduced copy, the labelled parts of the reduced
    copy, the reduction factor and where the map lies in the upload (left, top)."""

    ink: np.ndarray
    small: np.ndarray
    labels: np.ndarray
    factor: int
    origin: tuple

    def around(self, mask):
        """(these parts cut to ``mask``'s box and one reduced pixel around it, ``mask`` cut the same): one digit's
        work done without the rest of the canvas."""
        top, bottom = row_span(mask)
        left, right = column_span(mask)
        rows, cols = slice(max(top - 1, 0), bottom + 1), slice(max(left - 1, 0), right + 1)
        factor, (x, y) = self.factor, self.origin
        ink = self.ink[rows.start * factor:rows.stop * factor, cols.start * factor:cols.stop * factor]
        return (InkParts(ink, self.small[rows, cols], self.labels[rows, cols], factor,
                         (x + cols.start * factor, y + rows.start * factor)), mask[rows, cols])


def visible_crop(rgba):
    """(the canvas cut to its visible pixels and a 1-px frame, its (left, top) in the upload); opaque: as is."""
    alpha = rgba.getchannel("A")
    box = None if alpha.getextrema()[0] > 0 else pp.visible_mask(alpha).getbbox()
    if box is None:
        return rgba, (0, 0)
    left, top = max(box[0] - 1, 0), max(box[1] - 1, 0)
    return rgba.crop((left, top, min(box[2] + 1, rgba.width), min(box[3] + 1, rgba.height))), (left, top)


def ink_parts(rgba, work_side=WORK_SIDE):
    """The drawing's ink and its connected parts, specks dropped; EmptyImageError when there is no ink."""
    cropped, origin = visible_crop(rgba)
    ink = pp.ink_map(pp.flatten(np.asarray(cropped)))
    factor = max(1, -(-max(ink.shape) // work_side))
    small = block_reduce(ink, (factor, factor), np.max) if factor > 1 else ink
    labels, count = ndimage.label(small > pp.INK_THRESHOLD, structure=EIGHT)
    if count == 0:
        raise EmptyImageError("Nothing is drawn: the image has no ink. Draw a number.")
    extents = np.array([max(r.stop - r.start, c.stop - c.start) for r, c in ndimage.find_objects(labels)])
    specks = np.concatenate([[False], ~pp.not_specks(extents)])
    labels[specks[labels]] = 0
    return InkParts(ink, small, labels, factor, origin)


def column_span(mask):
    """(first, last + 1) of the columns of ``mask`` that hold ink."""
    cols = np.flatnonzero(mask.any(axis=0))
    return cols[0], cols[-1] + 1


def row_span(mask):
    """(first, last + 1) of the rows of ``mask`` that hold ink."""
    rows = np.flatnonzero(mask.any(axis=1))
    return rows[0], rows[-1] + 1


def merged_groups(labels, overlap=MERGE_OVERLAP):
    """The parts' label numbers grouped into digits, left to right: a part joins the digit before it when
    their columns overlap by ``overlap`` of the narrower one's width."""
    spans = [(found[1].start, found[1].stop, number) for number, found in enumerate(ndimage.find_objects(labels), 1)
             if found is not None]  # None: a speck, dropped
    groups = []
    for start, stop, number in sorted(spans):
        if groups:
            left, right, members = groups[-1]
            shared = min(right, stop) - max(left, start)
            if shared >= overlap * min(right - left, stop - start):
                groups[-1] = (left, max(right, stop), members + [number])
                continue
        groups.append((start, stop, [number]))
    return [np.isin(labels, members) for _, _, members in groups]


def span_gap(first, second):
    """Pixels between two (start, stop) spans; 0 when they touch or overlap."""
    return max(first[0] - second[1], second[0] - first[1], 0)


def fragments_joined(groups, size=FRAGMENT, gap=FRAGMENT_GAP):
    """The digit groups (masks, left to right), each one shorter than ``size`` of the tallest one's height and
    within ``gap`` of it from the group nearest it by columns joined to that group, smallest first."""
    groups = list(groups)
    while len(groups) > 1:
        heights = [np.subtract(*row_span(group)[::-1]) for group in groups]
        spans = [column_span(group) for group in groups]
        tallest = max(heights)
        pieces = []  # (the piece's longer side, its index, the index of the group nearest it)
        for index, span in enumerate(spans):
            distance, nearest = min((span_gap(other, span), other_index) for other_index, other in enumerate(spans)
                                    if other_index != index)
            if heights[index] < size * tallest and distance <= gap * tallest:
                pieces.append((max(heights[index], span[1] - span[0]), index, nearest))
        if not pieces:
            break
        _, piece, into = min(pieces)
        groups[into] = groups[into] | groups[piece]
        del groups[piece]
    return groups


def column_overlap(first, second):
    """How much two masks' columns overlap, as a share of the narrower one's width (negative: the gap between)."""
    (left_a, right_a), (left_b, right_b) = column_span(first), column_span(second)
    return (min(right_a, right_b) - max(left_a, left_b)) / min(right_a - left_a, right_b - left_b)


def cut_columns(mask, margin=CUT_MARGIN, step=CUT_STEP):
    """The columns tried as cuts of a wide digit: every ``step`` of its width, ``margin`` in from either edge."""
    left, right = column_span(mask)
    fractions = np.arange(margin, 1 - margin + 1e-9, step)
    return sorted({left + int(round(f * (right - left))) for f in fractions})


def cut_at(mask, column):
    """(the part of ``mask`` left of ``column``, the part from it on)."""
    left, right = mask.copy(), mask.copy()
    left[:, column:] = False
    right[:, :column] = False
    return left, right


def aspect_of(mask):
    """The width of ``mask``'s ink over its height."""
    top, bottom = row_span(mask)
    left, right = column_span(mask)
    return (right - left) / (bottom - top)


def is_wide(mask, aspect=SPLIT_ASPECT):
    """True when the digit's ink is wider than ``aspect`` times its height."""
    return aspect_of(mask) > aspect


def full_mask(parts, mask):
    """The digit's reduced mask at the upload's resolution, grown by one reduced pixel to take in the stroke's
    soft edge, without the other digits' ink."""
    grown = cv2.dilate(mask.view(np.uint8), EIGHT_BYTES).view(bool) & ~((parts.labels > 0) & ~mask)
    factor = parts.factor
    if factor > 1:
        grown = grown.repeat(factor, axis=0).repeat(factor, axis=1)
    return grown[:parts.ink.shape[0], :parts.ink.shape[1]]


def digit_drawing(parts, mask):
    """The digit alone as a ``Drawing``: read from its 8-bit ink as a canvas drawing of it would be read
    (``preprocessing.alpha_ink``), without making that drawing."""
    parts, mask = parts.around(mask)
    full = full_mask(parts, mask)
    top, bottom = row_span(full)
    left, right = column_span(full)
    alpha = np.rint(parts.ink[top:bottom, left:right] * full[top:bottom, left:right] * 255).astype(np.uint8)
    return Drawing(*pp.normalised_drawing(pp.alpha_ink(alpha)), alpha=alpha)


def digit_box(parts, mask):
    """The digit's ink box (x, y, width, height) in the upload's pixels."""
    parts, mask = parts.around(mask)
    full = full_mask(parts, mask) & (parts.ink > pp.INK_THRESHOLD)
    if not full.any():
        full = full_mask(parts, mask)
    top, bottom = row_span(full)
    left, right = column_span(full)
    x, y = parts.origin
    return (int(x + left), int(y + top), int(right - left), int(bottom - top))


class NumberReader:
    """Reads the digits of one drawing with ``model`` (a ``DigitClassifier``)."""

    def __init__(self, model, max_digits=MAX_DIGITS, overlap=MERGE_OVERLAP, loose=LOOSE_OVERLAP, aspect=SPLIT_ASPECT,
                 gain=SPLIT_GAIN, far_whole=FAR_WHOLE, step=CUT_STEP, whole_near=WHOLE_NEAR, far_cut=CUT_FAR,
                 widest=WIDEST):
        self.model, self.max_digits, self.widest = model, max_digits, widest
        self.overlap, self.loose, self.aspect, self.gain, self.step = overlap, loose, aspect, gain, step
        self.far_whole = far_whole * (model.far_threshold or 0.0)
        self.whole_near = whole_near * (model.far_threshold or 0.0)
        self.far_cut = far_cut * (model.far_threshold or 0.0)

    def read(self, rgba):
        """RGBA image -> list of ``Digit``, left to right; EmptyImageError without ink, TooManyDigitsError past
        ``max_digits``."""
        parts = ink_parts(rgba)
        groups = fragments_joined(merged_groups(parts.labels, self.overlap))
        self._check_count(len(groups))
        whole = Drawing(*pp.drawing_from_image(rgba))  # exactly what /api/predict reads
        whole_far = self._far([whole])[0]
        if len(groups) == 1 or whole_far <= self.whole_near:  # a near drawing is one digit and never cut
            joined = [(parts.labels > 0, whole, whole_far)]
        else:
            drawings = [digit_drawing(parts, group) for group in groups]
            joined = self._joined(parts, groups, drawings, self._far(drawings))
        pieces = []
        for group, drawing, distance in joined:
            pieces.extend(self._pieces(parts, group, drawing, distance))
            self._check_count(len(pieces))
        if len(pieces) == 1:
            pieces = [(pieces[0][0], whole)]  # one digit: exactly what /api/predict reads
        predictions = self.model.predict(np.stack([d.features for _, d in pieces]), [d.shape for _, d in pieces])
        return [Digit(digit_box(parts, mask), drawing, prediction)
                for (mask, drawing), prediction in zip(pieces, predictions)]

    def _check_count(self, count):
        if count > self.max_digits:
            raise TooManyDigitsError(f"The drawing holds more than {self.max_digits} digits. "
                                     f"Draw a number of at most {self.max_digits} digits.")

    def _far(self, drawings):
        """Each drawing's distance to the training data (``uncertainty.outlier_score``), in one search."""
        return outlier_score(self.model.far_distances(np.stack([d.features for d in drawings])))

    def _joined(self, parts, groups, drawings, far):
        """[(mask, drawing, distance)] of the groups, neighbours whose columns overlap by at least ``loose`` (less
        than ``overlap``) joined when one of them is far from the training data and together they are not: a
        digit the pen broke into pieces, such as a 5's flag off its body."""
        joined = [(groups[0], drawings[0], far[0])]
        for group, drawing, distance in zip(groups[1:], drawings[1:], far[1:]):
            before, _, before_distance = joined[-1]
            if column_overlap(before, group) >= self.loose and max(before_distance, distance) > self.far_whole:
                union = before | group
                union_drawing = digit_drawing(parts, union)
                union_distance = self._far([union_drawing])[0]
                if union_distance <= self.far_whole:
                    joined[-1] = (union, union_drawing, union_distance)
                    continue
            joined.append((group, drawing, distance))
        return joined

    def _pieces(self, parts, mask, drawing, distance):
        """[(mask, drawing)] of the digits in ``mask``: itself, or the halves of the cut that reads best (each
        split again while far and wide), when the whole is far from the training data, wider than ``aspect`` times
        its height, and the halves much nearer: under ``gain`` times the whole's distance times its width over its
        height, up to ``widest`` (the wider, the likelier two digits). Cuts are read every other ``step``, then
        beside the best."""
        if distance <= self.far_cut or not is_wide(mask, self.aspect):
            return [(mask, drawing)]
        columns = cut_columns(mask, step=self.step)
        halves, far, score = self._read_cuts(parts, mask, columns[::2])
        at = 2 * int(np.argmin(score))  # the best coarse cut's place among every column
        beside = self._read_cuts(parts, mask, [columns[i] for i in (at - 1, at + 1) if 0 <= i < len(columns)])
        halves, far, score = halves + beside[0], np.concatenate([far, beside[1]]), np.concatenate([score, beside[2]])
        best = int(np.argmin(score))
        pair = slice(2 * best, 2 * best + 2)
        if far[pair].mean() >= self.gain * distance * min(aspect_of(mask), self.widest):
            return [(mask, drawing)]
        return [piece for (half, half_drawing), half_far in zip(halves[pair], far[pair])
                for piece in self._pieces(parts, half, half_drawing, half_far)]

    def _read_cuts(self, parts, mask, columns):
        """([(half, drawing)] of the cuts at ``columns``, two by two; each half's distance to the training data; each
        cut's score, lowest best: its halves' mean distance times (2 - the product of their confidences))."""
        if not columns:
            return [], np.empty(0), np.empty(0)
        halves = [(half, digit_drawing(parts, half)) for column in columns for half in cut_at(mask, column)]
        probabilities, far = self.model.votes_and_far(np.stack([d.features for _, d in halves]))
        far = outlier_score(far)
        confidence = probabilities.max(axis=1)
        return halves, far, (far[0::2] + far[1::2]) / 2 * (2 - confidence[0::2] * confidence[1::2])
