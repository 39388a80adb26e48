"""Image -> 8x8 features in the 0..16 range of scikit-learn's ``load_digits``.

The single place that turns an image into features: the API, the CLI and the benchmarks all call
``features_from_image`` / ``features_from_bytes``, or ``drawing_from_*`` for the features and the drawing's
``Shape`` ("not sure" reads both). Each step is a small named function; the pixel work is OpenCV's (vectorised C++,
no Python loop over pixels), the page's PNGs are decoded by it too, and Pillow reads only headers and other files.
"""
import base64
import binascii
import io
import math
import re
import struct
import warnings
from functools import cached_property, lru_cache

import cv2
import numpy as np
from PIL import Image, ImageOps
from scipy import ndimage
from skimage.morphology import skeletonize

from ..exceptions import EmptyImageError, ImageTooLargeError, InvalidImageError

# The images here are small (a canvas, a 64 px mask): OpenCV's own worker threads would only add hand-offs, and the
# cores are already shared by gunicorn's workers and the batch endpoint's threads.
cv2.setNumThreads(1)

# Bump whenever a change gives an image different features: models trained on other features are
# refused (and `make run` retrains), since their answers would be silently wrong.
FEATURES_VERSION = 4
GRID = 8
MAX_VALUE = 16
# A pixel is ink when it differs from the background by more than this share of full contrast.
INK_THRESHOLD = 0.15
# An ink piece whose longer side is under this share of the largest piece's is a speck, not a stroke
# (a 5's flag or a 7's bar drawn apart is a third of the digit's height or more).
SPECK_SIZE = 0.2
_VISIBLE = [0] * 128 + [255] * 128  # alpha lookup table: a pixel is visible when more than half opaque
_ALPHA_ONE = 1 << 24  # a pixel read as a little-endian 32-bit number has alpha > 0 when it is at least this

_WHITESPACE = re.compile(r"\s+")
_DATA_URI = re.compile(r"^data:(?P<mime>[\w/+.-]*)(?P<params>(;[\w=.+-]+)*?)(;base64)?,", re.IGNORECASE)


def _strict_b64decode(text):
    """Base64 -> bytes, tolerating stripped ``=`` padding; any character outside the alphabet raises."""
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def decode_payload(text):
    """Data URI (``data:image/png;base64,...``) or raw base64 -> bytes."""
    if not isinstance(text, str):
        raise InvalidImageError("The image must be a string: a data URI or base64.")
    match = _DATA_URI.match(text)
    if match:
        if not match.group(0).lower().endswith(";base64,"):
            raise InvalidImageError("Only base64 data URIs are supported (data:image/png;base64,...).")
        text = text[match.end():]
    try:
        raw = _strict_b64decode(text)
    except (binascii.Error, ValueError):
        try:  # line-wrapped base64 (MIME, `base64` without -w0): drop the whitespace, then decode
            raw = _strict_b64decode(_WHITESPACE.sub("", text))
        except (binascii.Error, ValueError):
            raise InvalidImageError("The image is not valid base64. Send a PNG as a data URI.") from None
    if not raw:
        raise InvalidImageError("The image is empty. Send a PNG as a data URI.")
    return raw


def read_header(raw, max_side=4096):
    """Bytes -> a Pillow image whose header alone is read: format, mode and dimensions checked, no pixel decoded."""
    try:
        with warnings.catch_warnings():  # Pillow warns, rather than raises, for 1-2x its pixel limit
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
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
    return image


def open_image(raw, max_side=4096):
    """Bytes -> RGBA Pillow image; dimensions are checked from the header before pixels decode.

    An upright RGBA file (what the page sends) is returned as decoded, without a copy.
    """
    image = read_header(raw, max_side)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.seek(0)  # first frame of an animation
            ImageOps.exif_transpose(image, in_place=True)  # decodes; turns only when EXIF says so
            return image if image.mode == "RGBA" else image.convert("RGBA")
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombWarning,
            Image.DecompressionBombError, struct.error):
        raise InvalidImageError("The image is truncated or corrupt. Send the whole file.") from None


def decoded_by_opencv(header, raw):
    """True for what the page sends, which OpenCV decodes as Pillow would: an 8-bit RGBA PNG, neither animated
    (``acTL``: Pillow shows its first frame) nor carrying EXIF (``eXIf``: Pillow turns it upright)."""
    return header.format == "PNG" and header.mode == "RGBA" and b"acTL" not in raw and b"eXIf" not in raw


def decode_pixels(raw, max_side=4096):
    """Bytes -> ((h, w, 4) uint8 pixels, the OpenCV code that turns them grey), checked as ``open_image`` checks.

    The page's PNGs are decoded by ``cv2.imdecode`` (BGRA, no Pillow image around them); any other file, and any
    PNG OpenCV cannot decode, by ``open_image``, which accepts and refuses exactly what it always did.
    """
    header = read_header(raw, max_side)
    if decoded_by_opencv(header, raw):
        try:
            pixels = cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_UNCHANGED)
        except cv2.error:
            pixels = None
        if pixels is not None and pixels.dtype == np.uint8 and pixels.ndim == 3 and pixels.shape[2] == 4:
            return pixels, cv2.COLOR_BGRA2GRAY
    return np.asarray(open_image(raw, max_side)), cv2.COLOR_RGBA2GRAY


def visible_box(pixels):
    """(top, bottom, left, right) of the (h, w, 4) pixels not wholly transparent, with a transparent 1-px frame;
    None when there are none (a blank image), then the whole image counts. An opaque image's box is all of it.

    Each pixel read as one little-endian 32-bit number, whose top byte is its alpha, compared in one vectorised
    pass, and OpenCV's ``boundingRect`` of that: no channel copied out, no ``nonzero`` of the image.
    """
    rows, cols = pixels.shape[:2]
    packed = np.ascontiguousarray(pixels).view("<u4").reshape(rows, cols)
    left, top, width, height = cv2.boundingRect((packed >= _ALPHA_ONE).view(np.uint8))
    if width == 0:
        return None
    return max(top - 1, 0), min(top + height + 1, rows), max(left - 1, 0), min(left + width + 1, cols)


def crop_to_visible(pixels):
    """Cut a canvas export (an (h, w, 4) array) to its visible pixels and a transparent 1-px frame (opaque or blank
    images: unchanged). The later steps then work on the drawing rather than the whole canvas; the frame keeps the
    border that ``ink_map`` reads made of background."""
    box = visible_box(pixels)
    if box is None:
        return pixels
    top, bottom, left, right = box
    return pixels[top:bottom, left:right]


def visible_mask(alpha):
    """Alpha channel -> ``L`` mask, 255 where a pixel is more than half opaque (a Pillow lookup table)."""
    return alpha.point(_VISIBLE)


def flatten(pixels, gray_code=cv2.COLOR_RGBA2GRAY):
    """(h, w, 4) array -> uint8 luminance (ITU-R 601) over a background: white, unless the visible pixels are light
    ink on transparency (then black, so the ink never disappears). ``gray_code``: the channel order's OpenCV code
    (``COLOR_BGRA2GRAY`` for what ``cv2.imdecode`` gives)."""
    luma, alpha = cv2.cvtColor(pixels, gray_code), cv2.extractChannel(pixels, 3)
    low, high = cv2.minMaxLoc(alpha)[:2]
    if low == 255:  # opaque: nothing shows through
        return luma
    light = low <= 127 < high and cv2.mean(luma, mask=(alpha > 127).view(np.uint8))[0] > 127.5
    if light:  # luma * alpha over black
        return cv2.multiply(luma, alpha, scale=1 / 255)
    return cv2.bitwise_not(cv2.multiply(cv2.bitwise_not(luma), alpha, scale=1 / 255))  # over white


def ink_map(gray):
    """Grayscale (0..255 bytes, or floats 0..1) -> ink intensity 0..1, whichever way round ink and background are.

    The background is the median of the border pixels; ink is the difference from it.
    """
    gray = np.asarray(gray)
    full = 255.0 if gray.dtype == np.uint8 else 1.0
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    background = float(np.median(border))
    ink = gray.astype(np.float32)
    if background < full / 2:
        ink -= np.float32(background)
    else:
        np.subtract(np.float32(background), ink, out=ink)
    ink *= np.float32(1.0 / max(background, full - background))
    return np.clip(ink, 0.0, 1.0, out=ink)


def label_type(mask):
    """OpenCV's 16-bit labels when they cannot run out (an image has at most a quarter of its pixels as 8-connected
    pieces), which labels faster; else 32-bit."""
    return cv2.CV_16U if mask.size <= 4 * 0xFFFF else cv2.CV_32S


def ink_pieces(ink, threshold=INK_THRESHOLD):
    """(labels image, per-piece (left, top, width, height) boxes) of the 8-connected pieces of ink, by OpenCV."""
    mask = (ink > threshold).view(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8, ltype=label_type(mask))
    return labels, stats[1:, :4]


def ink_box(boxes):
    """The (left, top, width, height) boxes' union as row and column slices."""
    left, top = boxes[:, 0].min(), boxes[:, 1].min()
    right, bottom = (boxes[:, 0] + boxes[:, 2]).max(), (boxes[:, 1] + boxes[:, 3]).max()
    return slice(top, bottom), slice(left, right)


def not_specks(extents, size=SPECK_SIZE):
    """Which pieces of ink, given each one's longer side, are kept: those at least ``size`` of the largest's (the
    others are specks: a stray tap or slip of the pen)."""
    return extents >= size * extents.max()


def crop_without_specks(ink, threshold=INK_THRESHOLD, size=SPECK_SIZE):
    """The ink map cut to its ink, with the pieces whose longer side is under ``size`` of the largest piece's
    erased (a stray tap or slip of the pen beside the digit would otherwise stretch the crop and shrink the digit);
    EmptyImageError when there is no ink.

    Most drawings are one piece (99 % of canvas drawings): counting the pieces costs a third of measuring them.
    """
    mask = (ink > threshold).view(np.uint8)
    pieces = cv2.connectedComponents(mask, connectivity=8, ltype=label_type(mask))[0] - 1
    if pieces <= 1:
        return crop_to_ink(ink, threshold)
    labels, boxes = ink_pieces(ink, threshold)
    kept = not_specks(boxes[:, 2:].max(axis=1), size)
    rows, cols = ink_box(boxes[kept])
    if kept.all():
        return ink[rows, cols]
    keep = np.concatenate([[True], kept])[labels[rows, cols]]
    return np.where(keep, ink[rows, cols], ink.dtype.type(0))


def remove_specks(ink, threshold=INK_THRESHOLD, size=SPECK_SIZE):
    """The ink map with its specks (``crop_without_specks``) erased, uncut."""
    labels, boxes = ink_pieces(ink, threshold)
    if len(boxes) < 2:
        return ink
    specks = np.concatenate([[False], ~not_specks(boxes[:, 2:].max(axis=1), size)])
    return np.where(specks[labels], ink.dtype.type(0), ink) if specks.any() else ink


def crop_to_ink(ink, threshold=INK_THRESHOLD):
    """Cut the ink map to the bounding box of its ink; raise EmptyImageError when there is none."""
    left, top, width, height = cv2.boundingRect((np.asarray(ink) > threshold).view(np.uint8))
    if width == 0:
        raise EmptyImageError("Nothing is drawn: the image has no ink. Draw a digit.")
    return ink[top:top + height, left:left + width]


# --- Normalisation the way UCI optdigits made load_digits (issue 4) -------------------------------
# optdigits: a 32x32 binary bitmap with the digit's height filling the box (aspect kept), centred,
# counted in 4x4 blocks. Drawings are brought to the same picture before counting: fitted at twice
# that resolution, binarised, deskewed, and redrawn with the training data's stroke weight.

BOX = 32  # optdigits' bitmap side
BLOCK = BOX // GRID  # 4x4 pixels per feature
WORK_HEIGHT = 2 * BOX  # working resolution of the normalisation steps
MAX_ASPECT = 1.0  # widest width/height kept; wider shapes are scaled down to this width
BINARY_THRESHOLD = 0.3  # on area-averaged ink, so thin strokes stay connected after resizing
STROKE_WIDTH = 7.0  # stroke width in pixels of the 32x32 box: the median of load_digits (area / centre-line)
MAX_SKEW = 1.0  # at most a 45 degree shear is undone
CENTRING = "box"


def pillow_image(pixels, mode):
    """A Pillow image of ``mode`` ("F": float32, "L": bytes) over the 2-D array's memory: ``Image.fromarray`` without
    reading the array's interface, a third of its time on a digit's small picture."""
    pixels = np.ascontiguousarray(pixels)
    return Image.frombuffer(mode, pixels.shape[::-1], pixels, "raw", mode, 0, 1)


def pixels_of(image, dtype):
    """The Pillow image's pixels as a read-only array, as ``np.asarray`` gives them, without its array interface."""
    return np.frombuffer(image.tobytes(), dtype).reshape(image.height, image.width)


def resize_to(ink, height, width):
    """Resize a float image to height x width (Pillow bilinear, area-averaging when shrinking)."""
    image = pillow_image(np.asarray(ink, dtype=np.float32), "F")
    return pixels_of(image.resize((int(width), int(height)), Image.Resampling.BILINEAR), np.float32)


def fit_height(ink, height=WORK_HEIGHT, max_aspect=MAX_ASPECT):
    """Scale so the ink is ``height`` tall keeping its aspect; shapes wider than ``max_aspect`` fit that width."""
    rows, cols = ink.shape
    scale = min(height / rows, height * max_aspect / cols)
    return resize_to(ink, max(1, round(rows * scale)), max(1, round(cols * scale)))


def full_scale(ink):
    """The value of full ink: 255 for bytes, 1 for floats."""
    return 255 if ink.dtype == np.uint8 else 1


def binarize(ink, threshold=BINARY_THRESHOLD):
    """Ink intensities (0..1, or 0..255 bytes) -> boolean ink mask; a shape with nothing above threshold keeps its
    strongest pixels."""
    mask = ink > threshold * full_scale(ink)
    return mask if mask.any() else ink >= ink.max()


def skew_of(moments):
    """Horizontal shear per row from a shape's image moments (mu11 / mu02), at most ``MAX_SKEW`` either way."""
    if moments["mu02"] == 0:
        return 0.0
    return float(np.clip(moments["mu11"] / moments["mu02"], -MAX_SKEW, MAX_SKEW))


def skew(mask):
    """Horizontal shear per row of the mask, from its second-order image moments (OpenCV's ``moments``)."""
    return skew_of(cv2.moments(mask.view(np.uint8), binaryImage=True))


def pad_mask(mask, pad):
    """The boolean mask with ``pad`` background pixels on every side (one allocation; ``np.pad`` costs more)."""
    rows, cols = mask.shape
    padded = np.zeros((rows + 2 * pad, cols + 2 * pad), dtype=bool)
    padded[pad:pad + rows, pad:pad + cols] = mask
    return padded


def deskew(mask):
    """Shear the mask so its principal vertical axis is upright (the MNIST-style deskew).

    Pillow's affine transform, bilinear on a 0/255 picture of the mask, framed by background so the edges
    interpolate towards it (within a level of 255 of scipy's ``affine_transform``). OpenCV's warp is three times
    faster but places its samples to 1/32 pixel, which changes a fifth of the drawings' features.
    """
    moments = cv2.moments(mask.view(np.uint8), binaryImage=True)
    shear = skew_of(moments)
    if abs(shear) < 1e-3:
        return mask
    rows, cols = mask.shape
    centre = moments["m01"] / moments["m00"] + 1  # row of the centre in the framed picture
    margin = int(np.ceil(abs(shear) * rows)) + 1
    picture = pillow_image(pad_mask(mask, 1).view(np.uint8) * np.uint8(255), "L")
    # output pixel (x, y) samples (x - margin + shear * (y - centre), y); Pillow maps pixel centres (+0.5)
    sheared = picture.transform((cols + 2 + 2 * margin, rows + 2), Image.Transform.AFFINE,
                                (1.0, shear, -margin - shear * (centre + 0.5), 0.0, 1.0, 0.0),
                                Image.Resampling.BILINEAR)
    return crop_to_ink(pixels_of(sheared, np.uint8), 127) > 127


def stroke_width(mask):
    """(Mean stroke width in pixels: ink area over centre-line length, the centre-line)."""
    skeleton = skeletonize(mask)
    return np.count_nonzero(mask) / max(np.count_nonzero(skeleton), 1), skeleton


def disk(radius):
    """Structuring element (uint8, for OpenCV): the offsets at most ``radius`` (any real number) from the centre.

    Every drawing asks for a radius of its own, but the disk only changes where the radius passes the root of a
    whole number: it is cached by the largest squared offset it holds (``math.sqrt`` and numpy's are both the
    correctly rounded root, so the same offsets are in)."""
    reach = int(radius)
    largest = int(radius * radius)
    while math.sqrt(largest + 1) <= radius:
        largest += 1
    while largest >= 0 and math.sqrt(largest) > radius:
        largest -= 1
    return disk_within(reach, largest)


@lru_cache(maxsize=256)
def disk_within(reach, largest):
    """Structuring element (uint8): the offsets of at most ``reach`` rows and columns whose squared length is at most
    ``largest``."""
    rows, cols = np.ogrid[-reach:reach + 1, -reach:reach + 1]
    return (rows * rows + cols * cols <= largest).astype(np.uint8)


def stroke_margin(width):
    """Background pixels ``normalise_stroke`` frames a mask with, so thickening towards ``width`` stays inside."""
    return int(np.ceil(width / 2)) + 1


def normalise_stroke(mask, width=STROKE_WIDTH * WORK_HEIGHT / BOX):
    """Thicken or thin the strokes towards ``width`` pixels, never closing or breaking a stroke.

    Thickening grows the ink by distance; thinning peels it by distance but keeps the centre-line,
    so holes (the loops of 0, 6, 8, 9) stay open and thin parts stay connected. Growing (peeling) by
    distance is dilation (erosion) by a Euclidean disk: the same pixels as thresholding a Euclidean
    distance transform, in a fraction of the time.
    """
    mask = pad_mask(mask, stroke_margin(width))
    return restroke(mask, *stroke_width(mask), width)


def restroke(mask, current, skeleton, width=STROKE_WIDTH * WORK_HEIGHT / BOX):
    """``normalise_stroke`` of a framed mask whose ``stroke_width`` is (``current``, ``skeleton``)."""
    change = max((width - current) / 2, -max(mask.shape))  # a blob peels to its centre-line well before that
    if change > 0:
        mask = cv2.dilate(mask.view(np.uint8), disk(change)).view(bool)
    elif change < 0:  # beyond the edges is background, which erodes
        mask = cv2.erode(mask.view(np.uint8), disk(-change), borderType=cv2.BORDER_CONSTANT, borderValue=0).view(bool)
        mask |= skeleton
    return crop_to_ink(mask, 0.5)


def holes(mask, min_area=8):
    """Number of background regions of at least ``min_area`` pixels the mask encloses."""
    labels = ndimage.label(~np.pad(mask, 1))[0]
    areas = np.bincount(labels.ravel())[2:]  # label 1 is the outside: the padding touches it
    return int((areas >= min_area).sum())


_AROUND = [(dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1) if dr or dc]


class Shape:
    """The drawing as the normalisation first sees it (fitted, deskewed), before its strokes are redrawn: what
    "not sure" reads besides the features (``uncertainty.unlike_a_digit``). ``crossing`` is measured on first use.
    """

    def __init__(self, extent, mask, skeleton):
        self.extent = extent  # its longer side in stroke widths: about 1 for a dot, 3 or more for a digit
        self._mask, self._skeleton = mask, skeleton  # framed by background, and its centre-line

    @cached_property
    def crossing(self):
        """True when the centre-line is two crossing strokes: four ends, one junction and no loop."""
        rows, cols = np.nonzero(self._skeleton)
        neighbours = sum(self._skeleton[rows + dr, cols + dc].astype(np.uint8) for dr, dc in _AROUND)
        if np.count_nonzero(neighbours == 1) != 4:
            return False
        junctions = np.zeros_like(self._skeleton)
        junctions[rows[neighbours >= 3], cols[neighbours >= 3]] = True
        return ndimage.label(junctions, np.ones((3, 3)))[1] == 1 and holes(self._mask) == 0


def fit_box(mask, size=BOX, max_aspect=MAX_ASPECT):
    """Scale the shape so its height fills ``size`` (wide shapes capped at ``max_aspect``) -> boolean mask."""
    return fit_height(mask.astype(np.float32), size, max_aspect) > 0.5


def centre_in_box(mask, size=BOX, centring=CENTRING):
    """Place the mask in a size x size box, centred by bounding box (or by centre of mass)."""
    rows, cols = mask.shape
    if centring == "mass" and mask.any():
        cy, cx = ndimage.center_of_mass(mask)
        top, left = round(size / 2 - cy - 0.5), round(size / 2 - cx - 0.5)
        top, left = min(max(top, 0), size - rows), min(max(left, 0), size - cols)
    else:
        top, left = (size - rows) // 2, (size - cols) // 2
    box = np.zeros((size, size), dtype=bool)
    box[top:top + rows, left:left + cols] = mask
    return box


def block_counts(box, block=BLOCK):
    """Binary image -> ink pixels per block x block cell (optdigits' encoding: 0..16 for 4x4)."""
    rows, cols = box.shape
    cells = box.reshape(rows // block, block, cols // block, block)
    return cells.sum(axis=(1, 3), dtype=np.uint8)


def normalised_features(ink):
    """Cropped ink map (0..1) -> 8x8 optdigits-style features: fit, binarize, deskew, stroke, box, count."""
    return normalised_drawing(ink)[0]


def normalised_drawing(ink, width=STROKE_WIDTH * WORK_HEIGHT / BOX):
    """Cropped ink map (0..1) -> (``normalised_features``, the drawing's ``Shape``), from one centre-line."""
    mask = deskew(binarize(fit_height(ink)))
    framed = pad_mask(mask, stroke_margin(width))
    current, skeleton = stroke_width(framed)
    features = block_counts(centre_in_box(fit_box(restroke(framed, current, skeleton, width))))
    return features, Shape(max(mask.shape) / current, framed, skeleton)


def alpha_ink(alpha):
    """8-bit alpha of dark ink on transparency (h, w) -> the ink map ``drawing_ink`` reads from that image, without
    making it: over white its grey level is 255 - alpha, against the white of the transparent frame ``ink_map``
    reads as background, which scales by the float32 1/255. The ink is then cut and cleaned the same way."""
    ink = alpha.astype(np.float32)
    ink *= np.float32(1.0 / 255.0)
    return crop_without_specks(np.clip(ink, 0.0, 1.0, out=ink))


def drawing_ink(pixels, gray_code=cv2.COLOR_RGBA2GRAY):
    """(h, w, 4) pixels (an RGBA Pillow image or array; ``gray_code`` for another channel order) -> its ink map
    (0..1), cut to the ink, stray specks erased."""
    return crop_without_specks(ink_map(flatten(crop_to_visible(np.asarray(pixels)), gray_code)))


def features_from_image(rgba):
    """RGBA image -> 8x8 uint8 features 0..16: the whole pipeline after decoding."""
    return normalised_features(drawing_ink(rgba))


def drawing_from_image(rgba):
    """RGBA image -> (8x8 features, ``Shape``), as a request is read."""
    return normalised_drawing(drawing_ink(rgba))


def drawing_from_bytes(raw, max_side=4096):
    """Image file bytes -> (8x8 features, ``Shape``)."""
    return normalised_drawing(drawing_ink(*decode_pixels(raw, max_side)))


def features_from_bytes(raw, max_side=4096):
    """Image file bytes -> 8x8 features."""
    return drawing_from_bytes(raw, max_side)[0]
