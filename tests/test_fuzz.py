"""Fuzzing the predict endpoints: whatever arrives, never a 5xx, always the error shape or a valid reply."""
import io
import json
import resource
import tracemalloc
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image

from tests.drawing import ONE, SEVEN, b64, draw_strokes, png_bytes
from tests.test_preprocessing import png_claiming_size

ENDPOINTS = ["/api/predict", "/api/predict/batch"]
SEVEN_PNG = png_bytes(draw_strokes(SEVEN))
FUZZ = hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


def assert_sane(response, path):
    """A reply is a valid prediction (or batch of them) or the one error shape with a 4xx status."""
    assert response.status_code < 500, response.get_data(as_text=True)
    body = response.get_json()
    if response.status_code == 200:
        slots = body["predictions"] if path.endswith("/batch") else [body]
        for slot in slots:
            assert_slot(slot)
    else:
        assert_error(body)


def assert_error(body):
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"].replace("_", "").isalpha() and body["error"]["message"]


def assert_slot(slot):
    if "error" in slot:
        assert_error(slot)
        return
    assert 0 <= slot["digit"] <= 9 and len(slot["probabilities"]) == 10
    assert np.asarray(slot["input"]).shape == (8, 8)


def post_image(client, path, payload):
    """Send one image payload to the single or the batch endpoint."""
    body = {"images": [payload]} if path.endswith("/batch") else {"image": payload}
    return client.post(path, json=body)


@pytest.mark.parametrize("path", ENDPOINTS)
@FUZZ
@given(body=json_values)
def test_any_json_body(client, path, body):
    assert_sane(client.post(path, json=body), path)


@pytest.mark.parametrize("path", ENDPOINTS)
@FUZZ
@given(raw=st.binary(max_size=300), content_type=st.sampled_from(
    ["application/json", "text/plain", "application/octet-stream", "multipart/form-data", ""]))
def test_any_bytes_with_any_content_type(client, path, raw, content_type):
    assert_sane(client.post(path, data=raw, content_type=content_type), path)


@pytest.mark.parametrize("path", ENDPOINTS)
@FUZZ
@given(images=st.lists(json_values, min_size=1, max_size=5))
def test_batch_of_any_values(client, path, images):
    body = {"images": images} if path.endswith("/batch") else {"image": images[0]}
    assert_sane(client.post(path, json=body), path)


@pytest.mark.parametrize("path", ENDPOINTS)
@FUZZ
@given(cut=st.integers(min_value=0, max_value=len(b64(SEVEN_PNG))), prefix=st.booleans())
def test_truncated_base64(client, path, cut, prefix):
    payload = b64(SEVEN_PNG)[:cut]
    assert_sane(post_image(client, path, ("data:image/png;base64," if prefix else "") + payload), path)


@pytest.mark.parametrize("path", ENDPOINTS)
@FUZZ
@given(cut=st.integers(min_value=0, max_value=len(SEVEN_PNG)),
       flips=st.lists(st.tuples(st.integers(min_value=0, max_value=len(SEVEN_PNG) - 1),
                                st.integers(min_value=1, max_value=255)), max_size=4))
def test_truncated_or_corrupt_png(client, path, cut, flips):
    raw = bytearray(SEVEN_PNG)
    for index, mask in flips:
        raw[index] ^= mask
    assert_sane(post_image(client, path, b64(bytes(raw[:cut]))), path)


@pytest.mark.parametrize("path", ENDPOINTS)
@FUZZ
@given(width=st.integers(min_value=0, max_value=2**31 - 1), height=st.integers(min_value=0, max_value=2**31 - 1))
def test_any_declared_dimensions(client, path, width, height):
    response = post_image(client, path, b64(png_claiming_size(width, height)))
    assert_sane(response, path)
    if min(width, height) > 0 and max(width, height) > 4096:  # a zero side is invalid_image
        body = response.get_json()
        assert (body["predictions"][0] if path.endswith("/batch") else body)["error"]["code"] == "image_too_large"


def encoded(image, format, **params):
    buffer = io.BytesIO()
    image.save(buffer, format=format, **params)
    return buffer.getvalue()


def exif_rotated_jpeg():
    """A JPEG of a '1' stored on its side, with EXIF orientation 6 (rotate 90 degrees to view)."""
    upright = draw_strokes(ONE, background=(255, 255, 255)).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6
    return encoded(upright.transpose(Image.Transpose.ROTATE_90), "JPEG", exif=exif.tobytes())


def animated_gif():
    frames = [draw_strokes(shape, background=(255, 255, 255)).convert("P") for shape in (SEVEN, ONE)]
    return encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def sixteen_bit_png():
    ink = np.asarray(draw_strokes(SEVEN).getchannel("A"), dtype=np.uint16) * 257
    return encoded(Image.fromarray(65535 - ink), "PNG")


ODD_IMAGES = {
    "one-pixel": lambda: encoded(Image.new("RGBA", (1, 1), (0, 0, 0, 255)), "PNG"),
    "one-by-tall": lambda: encoded(Image.new("L", (1, 500), 0), "PNG"),
    "sixteen-bit": sixteen_bit_png,
    "palette": lambda: encoded(draw_strokes(SEVEN, background=(255, 255, 255)).convert("P"), "PNG"),
    "palette-transparency": lambda: encoded(draw_strokes(SEVEN).convert("P"), "PNG"),
    "bilevel": lambda: encoded(draw_strokes(SEVEN, background=(255, 255, 255)).convert("1"), "PNG"),
    "grey-alpha": lambda: encoded(draw_strokes(SEVEN).convert("LA"), "PNG"),
    "cmyk-jpeg": lambda: encoded(draw_strokes(SEVEN, background=(255, 255, 255)).convert("CMYK"), "JPEG"),
    "exif-rotated-jpeg": exif_rotated_jpeg,
    "animated-gif": animated_gif,
    "bmp": lambda: encoded(draw_strokes(ONE, background=(255, 255, 255)).convert("RGB"), "BMP"),
    "webp": lambda: encoded(draw_strokes(ONE, background=(255, 255, 255)), "WEBP"),
    "tiff-float": lambda: encoded(Image.new("F", (40, 40), 0.5), "TIFF"),
    "ico": lambda: encoded(draw_strokes(ONE, background=(255, 255, 255)), "ICO"),
    "bomb-declared": lambda: png_claiming_size(100_000, 100_000),
    "over-side-limit": lambda: png_claiming_size(4097, 1),
    "zero-width": lambda: png_claiming_size(0, 10),
}


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("name", ODD_IMAGES)
def test_odd_images(client, path, name):
    response = post_image(client, path, b64(ODD_IMAGES[name]()))
    assert_sane(response, path)


@pytest.mark.parametrize("name,digit", [("exif-rotated-jpeg", 1), ("animated-gif", 7), ("cmyk-jpeg", 7),
                                        ("palette-transparency", 7)])
def test_odd_formats_still_read_the_drawing(client, name, digit):
    """Orientation, the first frame, CMYK and palette transparency are honoured: the model sees the same grid.

    Palette images are compared with a PNG of the same palette pixels (their alpha is all or nothing and
    their greys are quantised, the drawing's are anti-aliased): a test of the decoding, not of how two
    different pictures of the digit happen to round. JPEG is lossy, so its grid may differ from the PNG's by
    a count in a cell (a CMYK or rotation read wrongly changes whole rows).
    """
    response = post_image(client, "/api/predict", b64(ODD_IMAGES[name]()))
    drawing = draw_strokes(SEVEN if digit == 7 else ONE)
    if name == "palette-transparency":
        drawing = drawing.convert("P")
    elif name == "animated-gif":
        drawing = draw_strokes(SEVEN, background=(255, 255, 255)).convert("P")
    reference = post_image(client, "/api/predict", b64(png_bytes(drawing)))
    assert response.status_code == 200
    seen, expected = np.asarray(response.get_json()["input"]), np.asarray(reference.get_json()["input"])
    assert np.abs(seen - expected).max() <= (1 if name.endswith("jpeg") else 0)


def test_sixteen_bit_reads_as_the_same_digit(client):
    """16-bit greys reach the model (Pillow clips rather than scales them, so edges may differ by a count)."""
    eight_bit = encoded(Image.fromarray(255 - np.asarray(draw_strokes(SEVEN).getchannel("A"))), "PNG")
    response = post_image(client, "/api/predict", b64(sixteen_bit_png())).get_json()
    reference = post_image(client, "/api/predict", b64(eight_bit)).get_json()
    assert response["digit"] == reference["digit"]
    assert np.abs(np.subtract(response["input"], reference["input"])).max() <= 4


def zlib_bomb_png(side):
    """A real PNG of side x side black pixels: a few KB on the wire, side*side bytes once decoded."""
    header = png_bytes(Image.new("L", (1, 1)))[:8]
    def chunk(kind, data):
        return (len(data).to_bytes(4, "big") + kind + data
                + (zlib.crc32(kind + data) & 0xFFFFFFFF).to_bytes(4, "big"))
    ihdr = side.to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    packer, row = zlib.compressobj(9), b"\0" * (side + 1)
    rows = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    return header + chunk(b"IHDR", ihdr) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


@pytest.mark.parametrize("make", [lambda: png_claiming_size(100_000, 100_000), lambda: png_claiming_size(60_000, 4000),
                                  lambda: zlib_bomb_png(8192)], ids=["declared-10G", "declared-240M", "real-67M"])
def test_bombs_do_not_allocate_their_size(client, make):
    """Rejected from the header: neither Python nor C memory grows by anything like the declared size."""
    payload = make()
    client.post("/api/predict", json={"image": b64(SEVEN_PNG)})  # warm up
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    tracemalloc.start()
    try:
        response = post_image(client, "/api/predict/batch", b64(payload))
        _, traced_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.get_json()["predictions"][0]["error"]["code"] == "image_too_large"
    assert traced_peak < 20 * 2**20
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_rss < 50 * 2**10


def test_request_body_limit_applies_before_json_parsing(settings, model_file):
    """A body over MAX_CONTENT_LENGTH is refused unread, even if it is valid JSON."""
    import shutil

    from app import create_app

    settings.MAX_CONTENT_LENGTH = 4096
    settings.CLASSIFIER_STORAGE.parent.mkdir(parents=True)
    shutil.copy(model_file, settings.CLASSIFIER_STORAGE)
    client = create_app(settings).test_client()
    for path in ENDPOINTS:
        response = client.post(path, data=json.dumps({"image": "A" * 10_000}), content_type="application/json")
        assert response.status_code == 413 and response.get_json()["error"]["code"] == "payload_too_large"


def test_generated_requests_over_every_endpoint_get_no_5xx(quick_app):
    """A short run of ``make bench-fuzz``: schemathesis requests over every operation, admin ones with the token."""
    from benchmarks.fuzz import fuzz, operations
    from tests.db_fixtures import ADMIN_TOKEN

    statuses, failures = fuzz(quick_app, 12 * len(operations(quick_app)), token=ADMIN_TOKEN)
    assert sum(statuses.values()) == 12 * len(operations(quick_app))
    assert not failures and max(statuses) < 500, failures
    assert 200 in statuses and 403 not in statuses  # handlers ran, the admin ones with a token they accept
