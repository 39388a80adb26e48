"""Test helper: draw strokes the way a browser canvas exports them (anti-aliased, transparent background)."""
import base64
import io

from PIL import Image, ImageDraw

SUPERSAMPLE = 4


def draw_strokes(strokes, size=280, width=16, ink=(20, 20, 20), background=None):
    """Strokes (lists of (x, y) points) -> RGBA image; background None means transparent."""
    big = size * SUPERSAMPLE
    alpha = Image.new("L", (big, big), 0)
    pen = ImageDraw.Draw(alpha)
    radius = width * SUPERSAMPLE / 2
    for stroke in strokes:
        points = [(x * SUPERSAMPLE, y * SUPERSAMPLE) for x, y in stroke]
        if len(points) > 1:
            pen.line(points, fill=255, width=max(1, round(width * SUPERSAMPLE)), joint="curve")
        for x, y in points:  # round caps and joins
            pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    alpha = alpha.resize((size, size), Image.Resampling.LANCZOS)
    image = Image.new("RGBA", (size, size), ink + (0,))
    image.putalpha(alpha)
    if background is not None:
        flat = Image.new("RGBA", (size, size), background + (255,))
        flat.alpha_composite(image)
        return flat
    return image


def png_bytes(image, format="PNG"):
    """Encode a Pillow image."""
    buffer = io.BytesIO()
    image.save(buffer, format=format)
    return buffer.getvalue()


def b64(raw):
    """Bytes -> base64 text."""
    return base64.b64encode(raw).decode()


def raw_uri(raw, mime="image/png"):
    """File bytes -> a base64 data URI."""
    return f"data:{mime};base64,{b64(raw)}"


def data_uri(image):
    """A PNG data URI, as canvas.toDataURL() gives."""
    return raw_uri(png_bytes(image))


SEVEN = [[(70, 62), (140, 60), (212, 58)], [(212, 58), (180, 120), (150, 180), (126, 236)]]
ONE = [[(150, 40), (146, 140), (142, 240)]]
ZERO = [[(140, 40), (95, 60), (75, 140), (95, 220), (140, 240), (185, 220), (205, 140), (185, 60), (140, 40)]]
