"""The page benchmark's drawings read back: the PNGs the page posted for real digits drawn with the mouse.

``make bench-page`` writes test-artifacts/page-drawn.json (benchmarks/page/); other benchmarks rerun the same
drawings through other models with ``page_drawn_set``.
"""
import json
from pathlib import Path

import numpy as np

from app.recognition.preprocessing import decode_payload, open_image

PAGE_DRAWN = Path("test-artifacts/page-drawn.json")
NOTHING_SHOWN = -1  # the page showed no digit (an error message)


def page_drawn_set(path=PAGE_DRAWN):
    """(RGBA images the page posted, labels, digits it showed, flagged "Not sure"), or None without the file."""
    path = Path(path)
    if not path.exists():
        return None
    drawings = json.loads(path.read_text())["drawings"]
    images = [open_image(decode_payload(drawing["image"])) for drawing in drawings]
    labels = np.array([drawing["label"] for drawing in drawings], dtype=int)
    shown = np.array([NOTHING_SHOWN if drawing["shown"] is None else drawing["shown"] for drawing in drawings],
                     dtype=int)
    flagged = np.array([drawing["flagged"] for drawing in drawings], dtype=bool)
    return images, labels, shown, flagged
