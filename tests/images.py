"""Image files made for the tests with Pillow: photos of a chosen size, a PNG bomb, broken files."""

import io
import struct
import zlib

import segno
from PIL import Image


def noisy_jpeg(width, height, min_kb=0, max_kb=10_000, exif=None, white_border=False):
    """A JPEG of noise whose file size falls within [min_kb, max_kb], found by trying qualities;
    with white_border, the sides and top are white like an ID photo's background."""
    image = Image.merge("RGB", [Image.effect_noise((width, height), 60 + 20 * i) for i in range(3)])
    if white_border:
        side, top = width * 15 // 100, height * 15 // 100
        for box in ((0, 0, side, height), (width - side, 0, width, height), (0, 0, width, top)):
            image.paste((255, 255, 255), box)
    for quality in range(95, 5, -5):
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality, **({"exif": exif} if exif else {}))
        if min_kb * 1024 <= out.tell() <= max_kb * 1024:
            return out.getvalue()
    raise AssertionError(f"no quality gives {min_kb}-{max_kb} KB at {width}×{height}")


def png(width, height, color=(255, 255, 255)):
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def png_bomb(edge=20_000):
    """A valid 1-bit PNG of edge×edge zero pixels: tens of KB on disk, hundreds of megapixels unpacked."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" * (1 + (edge + 7) // 8)  # filter byte + packed bits
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(edge)) + packer.flush()
    header = struct.pack(">IIBBBBB", edge, edge, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n" * 200


def letter_scan(payload, min_kb=65, max_kb=145):
    """A scan of a printed letter: a noisy page (so the file is as large as a real scan) carrying the
    QR code of `payload` with its white quiet zone, found readable by quality as noisy_jpeg is."""
    code = io.BytesIO()
    segno.make(payload, error="m").save(code, kind="png", scale=5, border=4)
    code.seek(0)
    page = Image.merge("RGB", [Image.effect_noise((900, 650), 40 + 10 * i) for i in range(3)])
    page.paste(Image.open(code).convert("RGB"), (520, 200))
    for quality in range(95, 30, -5):
        out = io.BytesIO()
        page.save(out, "JPEG", quality=quality)
        if min_kb * 1024 <= out.tell() <= max_kb * 1024:
            return out.getvalue()
    raise AssertionError(f"no quality gives {min_kb}-{max_kb} KB")
