"""Each preprocessing step on small inputs, and the whole pipeline on canvas-like drawings."""
import io
import struct
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image

from app.recognition import preprocessing as pp
from app.exceptions import EmptyImageError, ImageTooLargeError, InvalidImageError
from tests.drawing import ONE, SEVEN, b64, draw_strokes, png_bytes, raw_uri


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


def pixels(image):
    """A Pillow image's RGBA pixels, as the steps read them."""
    return np.asarray(image.convert("RGBA"))


class TestDecodePixels:
    def test_the_pages_png_is_decoded_by_opencv_to_pillows_pixels(self):
        raw = png_bytes(draw_strokes(SEVEN))
        decoded, gray_code = pp.decode_pixels(raw)
        assert gray_code == cv2.COLOR_BGRA2GRAY  # OpenCV's channel order: it took the fast path
        assert np.array_equal(decoded[..., [2, 1, 0, 3]], np.asarray(pp.open_image(raw)))

    def test_both_decoders_give_the_same_features(self):
        image = draw_strokes(SEVEN, ink=(200, 30, 90))
        assert np.array_equal(pp.features_from_bytes(png_bytes(image)), pp.features_from_image(image))

    @pytest.mark.parametrize("make, error", [
        (lambda: png_claiming_size(100_000, 100_000), ImageTooLargeError),
        (lambda: png_claiming_size(5000, 10), ImageTooLargeError),
        (lambda: png_bytes(draw_strokes(SEVEN))[:1500], InvalidImageError),
        (lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, InvalidImageError),
    ], ids=["bomb", "over-the-side-limit", "truncated", "garbage-after-signature"])
    def test_refuses_what_open_image_refuses(self, make, error):
        with pytest.raises(error):
            pp.decode_pixels(make(), max_side=4096)

    def test_other_files_go_through_pillow(self):
        image = Image.new("RGB", (20, 10), "white")
        exif = Image.Exif()
        exif[0x0112] = 6  # rotate 90 degrees: only Pillow turns it
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", exif=exif)
        decoded, gray_code = pp.decode_pixels(buffer.getvalue())
        assert decoded.shape == (20, 10, 4) and gray_code == cv2.COLOR_RGBA2GRAY

    def test_an_animated_png_is_read_at_its_first_frame(self):
        first = draw_strokes(SEVEN)
        buffer = io.BytesIO()
        first.save(buffer, "PNG", save_all=True, append_images=[draw_strokes(ONE)])
        assert np.array_equal(pp.features_from_bytes(buffer.getvalue()), pp.features_from_image(first))


class TestSteps:
    @pytest.mark.parametrize("seed", range(3))
    def test_flatten_is_the_float_composite(self, seed):
        rng = np.random.default_rng(seed)
        rgba = rng.integers(0, 256, (12, 15, 4), dtype=np.uint8)
        rgb, alpha = rgba[..., :3] / 255.0, rgba[..., 3:] / 255.0
        luma = rgb @ np.array([0.299, 0.587, 0.114])
        visible = alpha[..., 0] > 0.5
        background = 0.0 if 0 < visible.sum() < visible.size and luma[visible].mean() > 0.5 else 1.0
        expected = (luma * alpha[..., 0] + background * (1 - alpha[..., 0])) * 255
        flat = pp.flatten(rgba)
        assert flat.dtype == np.uint8
        assert np.abs(flat - expected).max() <= 1.5

    def test_light_ink_on_transparent_gets_a_dark_background(self):
        rgba = np.zeros((3, 3, 4), dtype=np.uint8)
        rgba[..., :3] = 255
        rgba[1, 1, 3] = 255
        assert pp.flatten(rgba).tolist() == [[0, 0, 0], [0, 255, 0], [0, 0, 0]]

    def test_ink_map_reads_bytes_as_it_reads_floats(self):
        gray = np.full((6, 6), 230, dtype=np.uint8)
        gray[2:4, 1:5] = 30
        from_bytes = pp.ink_map(Image.fromarray(gray))
        assert from_bytes.dtype == np.float32
        assert np.allclose(from_bytes, pp.ink_map(gray.astype(np.float32) / 255), atol=1e-6)

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


class TestRemoveSpecks:
    FIVE = [[(190, 60), (100, 60), (95, 140), (150, 130), (190, 170), (180, 230), (100, 240)]]
    FLAG = [[(110, 20), (200, 20)]]  # a 5's flag drawn apart from its body

    def ink(self, strokes, width=12):
        return pp.ink_map(pp.flatten(pixels(draw_strokes(strokes, width=width))))

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

    def test_the_crop_without_specks_is_the_crop_of_the_ink_they_leave(self):
        dotted = self.ink(SEVEN + [[(30, 270)]], width=8)
        assert np.array_equal(pp.crop_without_specks(dotted), pp.crop_to_ink(pp.remove_specks(dotted)))
        with pytest.raises(EmptyImageError):
            pp.crop_without_specks(np.zeros((5, 5), dtype=np.float32))

    def test_a_drawing_with_a_speck_has_the_features_of_the_clean_drawing(self):
        specked = draw_strokes(SEVEN + [[(260, 260)]])
        assert (pp.features_from_image(specked) == pp.features_from_image(draw_strokes(SEVEN))).all()


class TestPipeline:
    def test_features_are_8x8_in_range(self):
        features = pp.features_from_bytes(png_bytes(draw_strokes(SEVEN)))
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
        cropped = pp.crop_to_visible(pixels(rgba))
        assert cropped.shape == (42, 22, 4)
        alpha = cropped[..., 3]
        assert not alpha[0].any() and not alpha[-1].any() and not alpha[:, 0].any() and not alpha[:, -1].any()

    def test_frame_stops_at_the_image_edge(self):
        rgba = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
        rgba.paste((0, 0, 0, 255), (0, 0, 4, 4))
        assert pp.crop_to_visible(pixels(rgba)).shape[:2] == (5, 5)

    @pytest.mark.parametrize("image", [Image.new("RGBA", (9, 9), (255, 255, 255, 255)),
                                       Image.new("RGBA", (9, 9), (0, 0, 0, 0))], ids=["opaque", "blank"])
    def test_opaque_or_blank_images_are_unchanged(self, image):
        assert pp.crop_to_visible(pixels(image)).shape[:2] == (9, 9)

    def test_features_are_those_of_the_drawing_wherever_it_lies_on_the_canvas(self):
        rng = np.random.default_rng(0)
        for _ in range(20):
            scale, width = rng.uniform(0.3, 1.0), int(rng.integers(3, 20))
            drawn = draw_strokes([[(40 + px * scale, 40 + py * scale) for px, py in stroke] for stroke in SEVEN],
                                 size=400, width=width)
            canvas = Image.new("RGBA", (600, 500), (0, 0, 0, 0))
            canvas.alpha_composite(drawn, (int(rng.integers(0, 200)), int(rng.integers(0, 100))))
            assert np.array_equal(pp.features_from_image(canvas), pp.features_from_image(drawn))
