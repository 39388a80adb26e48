"""A contact sheet of drawings: for each, the 8x8 digit it was rendered from, the drawing as a person
would see it on a white page, and what it is versus what was answered. For looking at the misreads."""
import numpy as np
from PIL import Image, ImageDraw

TILE = 96  # pixels of each picture
CAPTION = 16
WIDTH, HEIGHT = 2 * TILE + 4, TILE + CAPTION  # of a tile: source, gap, drawing; caption below
MISREAD, READ = (200, 0, 0), (0, 120, 0)


def on_white(image, size=TILE):
    """An RGBA drawing composited on white, scaled to fit a ``size`` square."""
    page = Image.new("RGBA", image.size, "white")
    page.alpha_composite(image)
    page = page.convert("RGB")
    page.thumbnail((size, size))
    return page


def source_picture(features, size=TILE):
    """8x8 block counts 0..16 as a dark-on-white picture, each block a square of pixels."""
    shades = 255 - np.asarray(features, dtype=np.float32).reshape(8, 8) * (255 / 16)
    return Image.fromarray(shades.round().astype(np.uint8)).resize((size, size), Image.Resampling.NEAREST)


def tile(drawing, source, truth, answer):
    """One drawing's tile: its source, the drawing, and "<truth> read as <answer>"."""
    picture = Image.new("RGB", (WIDTH, HEIGHT), "white")
    picture.paste(source_picture(source), (0, 0))
    picture.paste(on_white(drawing), (TILE + 4, 0))
    caption = f"{truth} read as {answer}" if answer >= 0 else f"{truth}: error"
    ImageDraw.Draw(picture).text((2, TILE + 2), caption, fill=READ if answer == truth else MISREAD)
    return picture


def contact_sheet(drawings, sources, truths, answers, columns=6):
    """Tiles of all the drawings, ``columns`` to a row, on a grey page."""
    tiles = [tile(*item) for item in zip(drawings, sources, truths, answers)]
    rows = max(1, -(-len(tiles) // columns))
    page = Image.new("RGB", (columns * (WIDTH + 4), rows * (HEIGHT + 4)), "grey")
    for i, picture in enumerate(tiles):
        page.paste(picture, ((i % columns) * (WIDTH + 4), (i // columns) * (HEIGHT + 4)))
    return page
