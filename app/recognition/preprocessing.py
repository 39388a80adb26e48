"""Image -> 8x8 features in the 0..16 range of scikit-learn's ``load_digits``.

The single place that turns an image into features: the API, the CLI and the benchmarks all call
``features_from_payload`` / ``features_from_image``, or ``drawing_from_*`` for the features and the drawing's
``Shape`` ("not sure" reads both). Each step is a small named function.
"""
import base64
import binascii
import io
import re
import struct
import warnings
from functools import cached_property

import numpy as np
from PIL import Image, ImageOps
from scipy import ndimage
from skimage.morphology import skeletonize

from ..exceptions import EmptyImageError, ImageTooLargeError, InvalidImageError

# Bump whenever a change gives an image different features: models trained on other features are
# refused (and `make run` retrains), since their answers would be silently wrong.
FEATURES_VERSION = 4
GRID = 8
MAX_VALUE = 16
# A pixel is ink when it differs from the background by more than this share of full contrast.
INK_THRESHOLD = 0.15
PAD_RATIO = 0.15
# An ink piece whose longer side is under this share of the largest piece's is a speck, not a stroke
# (a 5's flag or a 7's bar drawn apart is a third of the digit's height or more).
SPECK_SIZE = 0.2
_VISIBLE = [0] * 128 + [255] * 128  # alpha lookup table: a pixel is visible when more than half opaque
_LEVELS = np.arange(256)

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


def open_image(raw, max_side=4096):
    """Bytes -> RGBA Pillow image; dimensions are checked from the header before pixels decode.

    An upright RGBA file (what the page sends) is returned as decoded, without a copy.
    """
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
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.seek(0)  # first frame of an animation
            ImageOps.exif_transpose(image, in_place=True)  # decodes; turns only when EXIF says so
            return image if image.mode == "RGBA" else image.convert("RGBA")
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombWarning,
            Image.DecompressionBombError, struct.error):
        raise InvalidImageError("The image is truncated or corrupt. Send the whole file.") from None


def crop_to_visible(rgba):
    """Cut a canvas export to its visible pixels and a transparent 1-px frame (opaque images: unchanged).

    The later steps then work on the drawing rather than the whole canvas; the frame keeps the
    border that ``ink_map`` reads made of background.
    """
    alpha = rgba.getchannel("A")
    if alpha.getextrema()[0] > 0:
        return rgba
    box = alpha.getbbox()
    if box is None:
        return rgba
    left, top, right, bottom = box
    return rgba.crop((max(left - 1, 0), max(top - 1, 0), min(right + 1, rgba.width), min(bottom + 1, rgba.height)))


def visible_mask(alpha):
    """Alpha channel -> ``L`` mask, 255 where a pixel is more than half opaque (a Pillow lookup table)."""
    return alpha.point(_VISIBLE)


def ink_is_light(luma, alpha):
    """True when the visible pixels of a drawing on transparency are light on average (light ink).

    ``luma`` and ``alpha`` are ``L`` images; one masked C histogram, no pixel array.
    """
    low, high = alpha.getextrema()
    if low > 127 or high <= 127:  # fully opaque or fully transparent: nothing to decide
        return False
    counts = np.asarray(luma.histogram(mask=visible_mask(alpha)), dtype=np.int64)
    return counts @ _LEVELS > 127.5 * counts.sum()


def background_luma(rgba):
    """0.0 (black) when the visible pixels of an RGBA image are light ink on transparency, else 1.0 (white)."""
    return 0.0 if ink_is_light(rgba.convert("L"), rgba.getchannel("A")) else 1.0


def remove_transparency(rgba):
    """RGBA image -> RGB array with transparent pixels replaced by a background.

    The background is white unless the visible ink is itself light (light strokes on a transparent
    canvas), in which case it is black, so the ink never disappears.
    """
    pixels = np.asarray(rgba, dtype=np.float32) / 255.0
    rgb, alpha = pixels[..., :3], pixels[..., 3:]
    return rgb * alpha + background_luma(rgba) * (1.0 - alpha)


def flatten(rgba):
    """RGBA image -> ``L`` image: its luminance over the background ``background_luma`` chooses, in Pillow's C code.

    ``to_grayscale(remove_transparency(rgba))`` to within a level of 255, without a float copy of every channel.
    """
    luma, alpha = rgba.convert("L"), rgba.getchannel("A")
    if alpha.getextrema()[0] == 255:  # opaque: nothing shows through
        return luma
    flat = Image.new("L", rgba.size, 0 if ink_is_light(luma, alpha) else 255)
    flat.paste(luma, mask=alpha)
    return flat


def to_grayscale(rgb):
    """RGB array in 0..1 -> luminance array in 0..1 (ITU-R 601, as Pillow's ``L`` mode)."""
    return rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)


def ink_map(gray):
    """Grayscale (an ``L`` image or 0..255 bytes, or floats 0..1) -> ink intensity 0..1, whichever way round
    ink and background are.

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


def remove_specks(ink, threshold=INK_THRESHOLD, size=SPECK_SIZE):
    """Erase the pieces of ink whose longer side is under ``size`` of the largest piece's: a stray tap or
    slip of the pen beside the digit would otherwise stretch the crop and shrink the digit."""
    pieces, count = ndimage.label(ink > threshold, structure=np.ones((3, 3)))
    if count < 2:
        return ink
    extents = np.array([max(rows.stop - rows.start, cols.stop - cols.start)
                        for rows, cols in ndimage.find_objects(pieces)])
    specks = np.concatenate([[False], extents < size * extents.max()])
    if not specks.any():
        return ink
    return np.where(specks[pieces], np.float32(0), ink)


def crop_to_ink(ink, threshold=INK_THRESHOLD):
    """Cut the ink map to the bounding box of its ink; raise EmptyImageError when there is none."""
    inked = ink > threshold
    rows = np.flatnonzero(inked.any(axis=1))
    cols = np.flatnonzero(inked.any(axis=0))
    if rows.size == 0:
        raise EmptyImageError("Nothing is drawn: the image has no ink. Draw a digit.")
    return ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


def pad_to_square(ink, ratio=PAD_RATIO):
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


def resize_to(ink, height, width):
    """Resize a float image to height x width (Pillow bilinear, area-averaging when shrinking)."""
    image = Image.fromarray(np.ascontiguousarray(ink, dtype=np.float32))
    return np.asarray(image.resize((int(width), int(height)), Image.Resampling.BILINEAR))


def fit_height(ink, height=WORK_HEIGHT, max_aspect=MAX_ASPECT):
    """Scale so the ink is ``height`` tall keeping its aspect; shapes wider than ``max_aspect`` fit that width."""
    rows, cols = ink.shape
    scale = min(height / rows, height * max_aspect / cols)
    return resize_to(ink, max(1, round(rows * scale)), max(1, round(cols * scale)))


def binarize(ink, threshold=BINARY_THRESHOLD):
    """Ink intensities -> boolean ink mask; a shape with nothing above threshold keeps its strongest pixels."""
    mask = ink > threshold
    return mask if mask.any() else ink >= ink.max()


def skew(mask):
    """Horizontal shear per row of the mask, from its second-order image moments (mu11 / mu02)."""
    rows, cols = np.nonzero(mask)
    dy = rows - rows.mean()
    variance = float(dy @ dy)
    if variance == 0:
        return 0.0
    return float(np.clip((dy @ (cols - cols.mean())) / variance, -MAX_SKEW, MAX_SKEW))


def pad_mask(mask, pad):
    """The boolean mask with ``pad`` background pixels on every side (one allocation; ``np.pad`` costs more)."""
    rows, cols = mask.shape
    padded = np.zeros((rows + 2 * pad, cols + 2 * pad), dtype=bool)
    padded[pad:pad + rows, pad:pad + cols] = mask
    return padded


def deskew(mask):
    """Shear the mask so its principal vertical axis is upright (the MNIST-style deskew).

    Pillow's affine transform, bilinear on a 0/255 picture of the mask, framed by background so the edges
    interpolate towards it (within a level of 255 of scipy's ``affine_transform``, several times faster).
    """
    shear = skew(mask)
    if abs(shear) < 1e-3:
        return mask
    rows, cols = mask.shape
    centre = np.nonzero(mask)[0].mean() + 1  # row of the centre in the framed picture
    margin = int(np.ceil(abs(shear) * rows)) + 1
    picture = Image.fromarray(pad_mask(mask, 1).view(np.uint8) * np.uint8(255))
    # output pixel (x, y) samples (x - margin + shear * (y - centre), y); Pillow maps pixel centres (+0.5)
    sheared = picture.transform((cols + 2 + 2 * margin, rows + 2), Image.Transform.AFFINE,
                                (1.0, shear, -margin - shear * (centre + 0.5), 0.0, 1.0, 0.0),
                                Image.Resampling.BILINEAR)
    return crop_to_ink(np.asarray(sheared), 127) > 127


def stroke_width(mask):
    """Mean stroke width in pixels: ink area over centre-line length."""
    skeleton = skeletonize(mask)
    return mask.sum() / max(int(skeleton.sum()), 1), skeleton


def disk(radius):
    """Boolean structuring element: the offsets at most ``radius`` (any real number) from the centre."""
    reach = int(radius)
    rows, cols = np.ogrid[-reach:reach + 1, -reach:reach + 1]
    return np.sqrt(rows * rows + cols * cols) <= radius


def stroke_margin(width):
    """Background pixels ``normalise_stroke`` frames a mask with, so thickening towards ``width`` stays inside."""
    return int(np.ceil(width / 2)) + 1


def normalise_stroke(mask, width=STROKE_WIDTH * WORK_HEIGHT / BOX):
    """Thicken or thin the strokes towards ``width`` pixels, never closing or breaking a stroke.

    Thickening grows the ink by distance; thinning peels it by distance but keeps the centre-line,
    so holes (the loops of 0, 6, 8, 9) stay open and thin parts stay connected. Growing (peeling) by
    distance is dilation (erosion) by a Euclidean disk: the same pixels as thresholding a Euclidean
    distance transform, in half the time.
    """
    mask = pad_mask(mask, stroke_margin(width))
    return restroke(mask, *stroke_width(mask), width)


def restroke(mask, current, skeleton, width=STROKE_WIDTH * WORK_HEIGHT / BOX):
    """``normalise_stroke`` of a framed mask whose ``stroke_width`` is (``current``, ``skeleton``)."""
    change = max((width - current) / 2, -max(mask.shape))  # a blob peels to its centre-line well before that
    if change > 0:
        mask = ndimage.binary_dilation(mask, disk(change))
    elif change < 0:
        mask = ndimage.binary_erosion(mask, disk(-change)) | skeleton
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
    return cells.sum(axis=(1, 3)).astype(np.uint8)


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


def drawing_ink(rgba):
    """RGBA image -> its ink map (0..1), cut to the ink, stray specks erased."""
    return crop_to_ink(remove_specks(ink_map(flatten(crop_to_visible(rgba)))))


def features_from_image(rgba):
    """RGBA image -> 8x8 uint8 features 0..16: the whole pipeline after decoding."""
    return normalised_features(drawing_ink(rgba))


def drawing_from_image(rgba):
    """RGBA image -> (8x8 features, ``Shape``), as a request is read."""
    return normalised_drawing(drawing_ink(rgba))


def drawing_from_bytes(raw, max_side=4096):
    """Image file bytes -> (8x8 features, ``Shape``)."""
    return drawing_from_image(open_image(raw, max_side))


def drawing_from_payload(text, max_side=4096):
    """Data URI or raw base64 -> (8x8 features, ``Shape``)."""
    return drawing_from_bytes(decode_payload(text), max_side)


def features_from_bytes(raw, max_side=4096):
    """Image file bytes -> 8x8 features."""
    return features_from_image(open_image(raw, max_side))


def features_from_payload(text, max_side=4096):
    """Data URI or raw base64 -> 8x8 features."""
    return features_from_bytes(decode_payload(text), max_side)
