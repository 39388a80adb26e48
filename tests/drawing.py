"""Test helpers: drawings as a browser canvas exports them (``draw_strokes``), encoded as files and data URIs."""
import base64

from app.recognition.drawings import data_uri, draw_strokes, png_bytes  # noqa: F401  (the tests draw through them)


def b64(raw):
    """Bytes -> base64 text."""
    return base64.b64encode(raw).decode()


def raw_uri(raw, mime="image/png"):
    """File bytes -> a base64 data URI."""
    return f"data:{mime};base64,{b64(raw)}"


SEVEN = [[(70, 62), (140, 60), (212, 58)], [(212, 58), (180, 120), (150, 180), (126, 236)]]
ONE = [[(150, 40), (146, 140), (142, 240)]]
ZERO = [[(140, 40), (95, 60), (75, 140), (95, 220), (140, 240), (185, 220), (205, 140), (185, 60), (140, 40)]]
