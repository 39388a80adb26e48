"""Each preprocessing step on small inputs, and the whole pipeline on canvas-like drawings."""
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from app.recognition import preprocessing as pp
from app.exceptions import EmptyImageError, ImageTooLargeError, InvalidImageError
from tests.drawing import SEVEN, b64, data_uri, draw_strokes, png_bytes, raw_uri


def png_claiming_size(width, height):
    """A tiny PNG whose header declares width x height (a decompression bomb's shape)."""
    raw = bytearray(png_bytes(Image.new("L", (1, 1))))
    ihdr = 12  # IHDR data starts after signature (8) + length (4) + type (4)
    raw[ihdr + 4:ihdr + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(raw[ihdr:ihdr + 4 + 13])) & 0xFFFFFFFF
    raw[ihdr + 17:ihdr + 21] = struct.pack(">I", crc)
    return bytes(raw)


class TestDecodePayload:
    def test_data_uri(self):
        assert pp.decode_payload(raw_uri(b"abc")) == b"abc"

    def test_raw_base64_with_newlines_and_missing_padding(self):
        encoded = b64(b"abcd").rstrip("=")
        assert pp.decode_payload(encoded[:3] + "\n" + encoded[3:]) == b"abcd"

    @pytest.mark.parametrize("payload", ["not base64 !!", "data:image/png;base64,@@@", "", "data:text/plain,hello"])
    def test_rejects_what_is_not_base64(self, payload):
        with pytest.raises(InvalidImageError):
            pp.decode_payload(payload)

    def test_rejects_non_string(self):
        with pytest.raises(InvalidImageError):
            pp.decode_payload(42)


class TestOpenImage:
    def test_rejects_declared_size_over_limit_before_decoding(self):
        with pytest.raises(ImageTooLargeError, match="limit"):
            pp.open_image(png_claiming_size(100_000, 100_000), max_side=4096)

    def test_rejects_bytes_that_are_not_an_image(self):
        with pytest.raises(InvalidImageError):
            pp.open_image(b"GIF89a but not really")

    def test_rejects_truncated_png(self):
        raw = png_bytes(draw_strokes(SEVEN))
        with pytest.raises(InvalidImageError):
            pp.open_image(raw[: len(raw) // 2])

    @pytest.mark.parametrize("mode", ["L", "LA", "P", "I;16", "RGB", "CMYK", "1"])
    def test_any_mode_becomes_rgba(self, mode):
        image = Image.new(mode, (5, 4))
        fmt = "JPEG" if mode == "CMYK" else "PNG" if mode != "CMYK" else "JPEG"
        assert pp.open_image(png_bytes(image, fmt)).mode == "RGBA"

    def test_exif_orientation_is_applied(self):
        image = Image.new("RGB", (20, 10), "white")
        exif = Image.Exif()
        exif[0x0112] = 6  # rotate 90 degrees
        import io

        buffer = io.BytesIO()
        image.save(buffer, "JPEG", exif=exif)
        assert pp.open_image(buffer.getvalue()).size == (10, 20)


class TestSteps:
    def test_transparent_pixels_become_white(self):
        rgba = Image.new("RGBA", (3, 3), (0, 0, 0, 0))
        rgba.putpixel((1, 1), (0, 0, 0, 255))
        rgb = pp.remove_transparency(rgba)
        assert rgb[0, 0].tolist() == [1.0, 1.0, 1.0]
        assert rgb[1, 1].tolist() == [0.0, 0.0, 0.0]

    def test_light_ink_on_transparent_gets_a_dark_background(self):
        rgba = Image.new("RGBA", (3, 3), (255, 255, 255, 0))
        rgba.putpixel((1, 1), (255, 255, 255, 255))
        rgb = pp.remove_transparency(rgba)
        assert rgb[0, 0].tolist() == [0.0, 0.0, 0.0]
        assert rgb[1, 1].tolist() == [1.0, 1.0, 1.0]

    @pytest.mark.parametrize("seed", range(3))
    def test_flatten_is_the_float_composite_in_pillow(self, seed):
        rng = np.random.default_rng(seed)
        rgba = Image.fromarray(rng.integers(0, 256, (12, 15, 4), dtype=np.uint8), "RGBA")
        expected = pp.to_grayscale(pp.remove_transparency(rgba)) * 255
        flat = pp.flatten(rgba)
        assert flat.mode == "L"
        assert np.abs(np.asarray(flat, dtype=np.float32) - expected).max() <= 1.5

    def test_ink_map_reads_bytes_as_it_reads_floats(self):
        gray = np.full((6, 6), 230, dtype=np.uint8)
        gray[2:4, 1:5] = 30
        from_bytes = pp.ink_map(Image.fromarray(gray))
        assert from_bytes.dtype == np.float32
        assert np.allclose(from_bytes, pp.ink_map(gray.astype(np.float32) / 255), atol=1e-6)

    def test_grayscale_weights_like_pillow(self):
        rgb = np.array([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [1.0, 1.0, 1.0]]], dtype=np.float32)
        assert np.allclose(pp.to_grayscale(rgb), [[0.299, 0.587, 1.0]], atol=1e-6)

    @pytest.mark.parametrize("background,ink", [(1.0, 0.0), (0.0, 1.0), (0.9, 0.2)])
    def test_ink_map_finds_ink_either_way(self, background, ink):
        gray = np.full((5, 5), background, dtype=np.float32)
        gray[2, 2] = ink
        found = pp.ink_map(gray)
        assert found[2, 2] == pytest.approx(1.0, abs=0.25)
        assert found[0, 0] == 0.0

    def test_crop_to_ink(self):
        ink = np.zeros((10, 10))
        ink[2:5, 3:8] = 1.0
        assert pp.crop_to_ink(ink).shape == (3, 5)

    def test_crop_of_blank_is_empty_image(self):
        with pytest.raises(EmptyImageError):
            pp.crop_to_ink(np.zeros((10, 10)))

    def test_pad_to_square_centres(self):
        padded = pp.pad_to_square(np.ones((10, 4)), ratio=0.0)
        assert padded.shape == (10, 10)
        assert padded[:, 3:7].all() and not padded[:, :3].any() and not padded[:, 7:].any()

    def test_resize_to_grid(self):
        assert pp.resize(np.ones((40, 40), dtype=np.float32)).shape == (8, 8)

    def test_rescale_to_0_16(self):
        values = pp.rescale(np.array([[0.0, 0.5], [1.0, 0.25]]))
        assert values.dtype == np.uint8
        assert values.tolist() == [[0, 8], [16, 4]]

    def test_rescale_of_nothing_is_empty_image(self):
        with pytest.raises(EmptyImageError):
            pp.rescale(np.zeros((8, 8)))


class TestRemoveSpecks:
    FIVE = [[(190, 60), (100, 60), (95, 140), (150, 130), (190, 170), (180, 230), (100, 240)]]
    FLAG = [[(110, 20), (200, 20)]]  # a 5's flag drawn apart from its body

    def ink(self, strokes, width=12):
        return pp.ink_map(pp.flatten(draw_strokes(strokes, width=width)))

    @pytest.mark.parametrize("radius", [1, 3, 6])
    def test_a_stray_dot_beside_the_digit_is_erased(self, radius):
        clean = self.ink(SEVEN)
        dotted = self.ink(SEVEN + [[(30, 270)]], width=2 * radius)  # the seven drawn with this pen, plus a dot
        seven = self.ink(SEVEN, width=2 * radius)
        assert pp.crop_to_ink(dotted).shape != pp.crop_to_ink(seven).shape
        assert (pp.crop_to_ink(pp.remove_specks(dotted)) == pp.crop_to_ink(seven)).all()  # its faint rim is cut off
        assert (pp.remove_specks(clean) == clean).all()

    def test_a_stroke_drawn_apart_stays(self):
        five = self.ink(self.FIVE + self.FLAG)
        assert (pp.remove_specks(five) == five).all()

    def test_the_largest_piece_stays_whatever_its_size(self):
        dot = self.ink([[(140, 140)]])
        assert (pp.remove_specks(dot) == dot).all()

    def test_a_drawing_with_a_speck_has_the_features_of_the_clean_drawing(self):
        specked = draw_strokes(SEVEN + [[(260, 260)]])
        assert (pp.features_from_image(specked) == pp.features_from_image(draw_strokes(SEVEN))).all()


class TestPipeline:
    def test_features_are_8x8_in_range(self):
        features = pp.features_from_payload(data_uri(draw_strokes(SEVEN)))
        assert features.shape == (8, 8)
        assert features.min() >= 0 and features.max() == 16

    def test_same_features_whatever_the_polarity(self):
        on_transparent = pp.features_from_image(draw_strokes(SEVEN))  # ink 20: contrast 235 either way round
        on_white = pp.features_from_image(draw_strokes(SEVEN, background=(255, 255, 255)))
        light_on_dark = pp.features_from_image(draw_strokes(SEVEN, ink=(235, 235, 235), background=(0, 0, 0)))
        assert np.abs(on_transparent.astype(int) - on_white).max() <= 1
        assert np.abs(on_transparent.astype(int) - light_on_dark).max() <= 1

    @pytest.mark.parametrize("image", [
        Image.new("RGBA", (50, 50), (0, 0, 0, 0)),
        Image.new("RGB", (50, 50), "white"),
        Image.new("RGB", (50, 50), "black"),
    ], ids=["transparent", "white", "black"])
    def test_blank_canvas_is_empty(self, image):
        with pytest.raises(EmptyImageError):
            pp.features_from_image(image.convert("RGBA"))


class TestCropToVisible:
    def test_cuts_to_the_visible_pixels_with_a_transparent_frame(self):
        rgba = Image.new("RGBA", (100, 80), (0, 0, 0, 0))
        rgba.paste((10, 10, 10, 255), (30, 20, 50, 60))
        cropped = pp.crop_to_visible(rgba)
        assert cropped.size == (22, 42)
        alpha = np.asarray(cropped.getchannel("A"))
        assert not alpha[0].any() and not alpha[-1].any() and not alpha[:, 0].any() and not alpha[:, -1].any()

    def test_frame_stops_at_the_image_edge(self):
        rgba = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
        rgba.paste((0, 0, 0, 255), (0, 0, 4, 4))
        assert pp.crop_to_visible(rgba).size == (5, 5)

    @pytest.mark.parametrize("image", [Image.new("RGBA", (9, 9), (255, 255, 255, 255)),
                                       Image.new("RGBA", (9, 9), (0, 0, 0, 0))], ids=["opaque", "blank"])
    def test_opaque_or_blank_images_are_unchanged(self, image):
        assert pp.crop_to_visible(image).size == (9, 9)

    def test_features_are_those_of_the_whole_canvas(self):
        rng = np.random.default_rng(0)
        for _ in range(20):
            x, y, scale = rng.uniform(0, 120), rng.uniform(0, 120), rng.uniform(0.3, 1.0)
            strokes = [[(x + px * scale, y + py * scale) for px, py in stroke] for stroke in SEVEN]
            image = draw_strokes(strokes, width=int(rng.integers(3, 20)))
            whole = pp.normalised_features(pp.crop_to_ink(pp.ink_map(pp.flatten(image))))
            assert np.array_equal(pp.features_from_image(image), whole)
