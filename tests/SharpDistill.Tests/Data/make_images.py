#!/usr/bin/python3
"""Writes the small JPEG/PNG files the decoder tests read, and what Pillow decodes them to.

Run once with Debian's python3 (python3-pil, python3-numpy, imagemagick for the interlaced PNG):
    /usr/bin/python3 tests/SharpDistill.Tests/Data/make_images.py
The outputs are committed under TestFiles/images/; the tests never run Python.

expected.json maps each file to Pillow's decoding of it after convert("RGB") (what torchvision's
ImageFolder loader does) and after convert("L"), as base64 HWC bytes. Sizes are odd on purpose, so
that row strides and chroma up-sampling at the edges are exercised.
"""
import base64
import io
import json
import os
import struct
import subprocess
import zlib

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "TestFiles", "images")


def pattern(width, height, seed):
    """A smooth gradient plus a little noise: realistic enough for JPEG, small and deterministic."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    r = (x * 255 // max(1, width - 1))
    g = (y * 255 // max(1, height - 1))
    b = ((x + y) * 17) % 256
    img = np.stack([r, g, b], axis=-1).astype(np.int32) + rng.integers(-20, 21, (height, width, 3))
    return np.clip(img, 0, 255).astype(np.uint8)


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def write_png16_rgb(path, pixels16):
    """Pillow cannot write 16-bit RGB PNGs, so this writes one by hand (filter 0 on every row)."""
    height, width, _ = pixels16.shape
    raw = b"".join(b"\x00" + pixels16[row].astype(">u2").tobytes() for row in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", zlib.compress(raw, 9))
                + png_chunk(b"IEND", b""))


def main():
    os.makedirs(OUT, exist_ok=True)
    rgb = Image.fromarray(pattern(13, 9, 1), "RGB")
    files = {}

    def save(name, image, **options):
        image.save(os.path.join(OUT, name), **options)
        files[name] = None

    save("rgb_444.jpg", rgb, quality=90, subsampling=0)
    save("rgb_420.jpg", rgb, quality=90, subsampling=2)
    save("rgb_progressive.jpg", rgb, quality=85, progressive=True)
    save("gray.jpg", rgb.convert("L"), quality=90)
    save("cmyk.jpg", rgb.convert("CMYK"), quality=90)
    save("rgb.png", rgb)
    rgba = rgb.copy()
    rgba.putalpha(Image.fromarray((np.arange(13 * 9, dtype=np.uint8).reshape(9, 13) * 2), "L"))
    save("rgba.png", rgba)
    save("gray.png", rgb.convert("L"))
    save("gray_alpha.png", rgba.convert("LA"))
    save("bilevel.png", rgb.convert("1"))
    palette = rgb.convert("P", palette=Image.ADAPTIVE, colors=16)
    save("palette.png", palette)
    save("palette_trns.png", palette, transparency=3)
    pixels16 = pattern(13, 9, 2).astype(np.uint16) * 257 + np.arange(13, dtype=np.uint16)[None, :, None]
    write_png16_rgb(os.path.join(OUT, "rgb16.png"), pixels16)
    files["rgb16.png"] = None
    subprocess.run(["convert", os.path.join(OUT, "rgb.png"), "-strip", "-interlace", "PNG", "-define", "png:color-type=2",
                    os.path.join(OUT, "rgb_interlaced.png")], check=True)
    files["rgb_interlaced.png"] = None
    # Tiny-ImageNet-sized images for the dataset tests.
    save("tiny_a.jpg", Image.fromarray(pattern(64, 64, 3), "RGB"), quality=90)
    save("tiny_b.jpg", Image.fromarray(pattern(64, 64, 4), "RGB"), quality=90)
    save("tiny_gray.jpg", Image.fromarray(pattern(64, 64, 5), "RGB").convert("L"), quality=90)

    expected = {}
    for name in sorted(files):
        with Image.open(os.path.join(OUT, name)) as im:
            im.load()
            if name == "rgb_interlaced.png":
                assert im.info.get("interlace") == 1, "ImageMagick did not interlace the PNG"
            as_rgb = np.asarray(im.convert("RGB"))
            as_l = np.asarray(im.convert("L"))
            expected[name] = {
                "mode": im.mode,
                "width": im.width,
                "height": im.height,
                "rgb": base64.b64encode(as_rgb.tobytes()).decode("ascii"),
                "gray": base64.b64encode(as_l.tobytes()).decode("ascii"),
            }
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
