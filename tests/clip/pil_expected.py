"""Writes test images and Pillow's own CLIP preprocessing of them, for test_clip_preprocessor.

Usage: pil_expected.py OUTDIR
Writes OUTDIR/<case>.png, OUTDIR/<case>.u8 (R*R*3 bytes, HWC RGB: the image just before
ToTensor) and OUTDIR/cases.tsv (case, resolution). Needs Pillow and NumPy (Debian's
/usr/bin/python3 has them). torchvision is not needed: its Resize/CenterCrop for PIL images
are reproduced below with the very same Python expressions.
"""
import os
import struct
import sys
import zlib

import numpy as np
from PIL import Image


def clip_transform_uint8(im, n):
    """OpenAI CLIP _transform(n) up to (not including) ToTensor, as torchvision does it."""
    w, h = im.size
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = n, int(n * long / short)
    new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    im = im.resize((new_w, new_h), Image.BICUBIC)
    top = int(round((new_h - n) / 2.0))
    left = int(round((new_w - n) / 2.0))
    im = im.crop((left, top, left + n, top + n))
    return np.asarray(im.convert("RGB"), dtype=np.uint8)


def png_16bit(path, array, colour_type):
    """A 16-bit PNG written by hand: Pillow cannot save 16-bit colour images."""
    height, width = array.shape[:2]
    raw = b"".join(b"\x00" + array[y].astype(">u2").tobytes() for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 16, colour_type, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def main():
    out = sys.argv[1]
    rng = np.random.default_rng(1234)
    noise = lambda h, w, c: rng.integers(0, 256, size=(h, w, c), dtype=np.uint8)
    cases = []

    def add(name, image, n, save=None):
        path = os.path.join(out, name + ".png")
        if save is None:
            image.save(path)
        else:
            save(path)
        # Re-open from disk so Pillow sees exactly what the C++ side decodes.
        expected = clip_transform_uint8(Image.open(path), n)
        assert expected.shape == (n, n, 3), (name, expected.shape)
        expected.tofile(os.path.join(out, name + ".u8"))
        cases.append((name, n))

    add("gray_37x23", Image.fromarray(noise(23, 37, 1)[:, :, 0], "L"), 16)
    # Alpha from fully transparent to opaque, including both extremes, so the premultiplied
    # round trip (and its truncating division) is exercised.
    rgba = noise(29, 41, 4)
    rgba[:5, :, 3] = 0
    rgba[5:10, :, 3] = 255
    add("rgba_41x29", Image.fromarray(rgba, "RGBA"), 16)
    add("rgba_exact_16x20", Image.fromarray(noise(20, 16, 4), "RGBA"), 16)  # no resize: no premultiply
    add("la_30x45", Image.fromarray(noise(45, 30, 2), "LA"), 16)
    add("rgb_1x1", Image.fromarray(noise(1, 1, 3), "RGB"), 32)
    add("rgb_1x500", Image.fromarray(noise(500, 1, 3), "RGB"), 224)
    add("rgb_500x1", Image.fromarray(noise(1, 500, 3), "RGB"), 64)
    add("rgb_exact_32x32", Image.fromarray(noise(32, 32, 3), "RGB"), 32)
    add("rgb_exact_32x45", Image.fromarray(noise(45, 32, 3), "RGB"), 32)  # crop only, odd margin
    add("rgb_upscale_7x5", Image.fromarray(noise(5, 7, 3), "RGB"), 40)
    add("rgb_odd_67x43", Image.fromarray(noise(43, 67, 3), "RGB"), 20)
    add("rgb_500x375", Image.fromarray(noise(375, 500, 3), "RGB"), 224)
    palette = Image.fromarray(noise(31, 53, 1)[:, :, 0] % 16, "P")
    palette.putpalette(list(noise(1, 16, 3).reshape(-1)))
    add("palette_53x31", palette, 16)  # Pillow resizes "P" nearest-neighbour
    add("palette_transparent_53x31", palette, 16, lambda p: palette.save(p, transparency=3))
    add("bilevel_33x47", Image.fromarray(noise(47, 33, 1)[:, :, 0] > 127), 16)  # mode "1"
    gray16 = rng.integers(0, 400, size=(30, 40), dtype=np.uint16)  # straddles the 255 clamp
    add("gray16_40x30", None, 16, lambda p: png_16bit(p, gray16, 0))
    rgb16 = rng.integers(0, 65536, size=(30, 40, 3), dtype=np.uint16)
    add("rgb16_40x30", None, 16, lambda p: png_16bit(p, rgb16, 2))

    with open(os.path.join(out, "cases.tsv"), "w") as f:
        for name, n in cases:
            f.write(f"{name}\t{n}\n")


if __name__ == "__main__":
    main()
