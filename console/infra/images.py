"""Checking an uploaded scan by its content against the profile's rules, then re-encoding it.

The type comes from the bytes (Pillow opens with an explicit `formats=`), never from the name.
The pixel count is read from the header before any decoding, so a decompression bomb is refused
without being unpacked. What is stored is re-encoded: no EXIF, no trailing data."""

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from console.errors import RuleViolation

MAX_PIXELS = 40_000_000  # a 350 dpi A4 scan is about 12 Mpx
FORMAT_LABELS = {"JPEG": "JPEG（.jpg）", "PNG": "PNG"}
THUMBNAIL_EDGE = 320


@dataclass(frozen=True)
class ImageRule:
    formats: tuple
    max_kb: int
    min_kb: int = 0
    width: int | None = None
    height: int | None = None
    reduce: bool = False  # a JPEG over max_kb is made smaller on the server, not refused (003's phone photos)

    @classmethod
    def for_slot(cls, profile, slot):
        """A slot's own table in the profile (the photo's, say) over the general rule every scan shares."""
        uploads = profile.uploads
        spec = uploads.get(slot, {})
        general = {k: v for k, v in uploads.items() if not isinstance(v, dict)}
        merged = {**general, **spec}
        return cls(
            tuple(merged["formats"]),
            merged["max_kb"],
            merged.get("min_kb", 0),
            merged.get("width"),
            merged.get("height"),
            profile.reduce_large_scans and "JPEG" in merged["formats"] and not merged.get("width"),
        )

    def describe(self):
        parts = ["、".join(FORMAT_LABELS[f] for f in self.formats)]
        parts.append(f"{self.min_kb}-{self.max_kb} KB" if self.min_kb else f"不超过 {self.max_kb} KB")
        if self.reduce:
            parts.append("更大的照片由系统自动压缩")
        if self.width:
            parts.append(f"{self.width}×{self.height} 像素")
        return "，".join(parts)


@dataclass(frozen=True)
class CheckedImage:
    format: str
    width: int
    height: int
    content: bytes  # re-encoded

    @property
    def suffix(self):
        return ".jpg" if self.format == "JPEG" else ".png"


def _opened(data, formats):
    """The image by its content, refused before decoding when it is not one of `formats` or too many pixels."""
    try:
        image = Image.open(io.BytesIO(data), formats=list(formats))
    except Image.DecompressionBombError:
        raise RuleViolation("图片像素尺寸过大，请缩小后重新上传") from None
    except UnidentifiedImageError:
        raise RuleViolation(f"文件内容不是 {'或'.join(formats)} 格式的图片（按文件内容识别，与文件名无关）") from None
    except OSError:  # a header cut short: Pillow gives up before it knows the size
        raise RuleViolation("图片文件不完整或已损坏，请重新扫描后上传") from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise RuleViolation(f"图片像素尺寸 {width}×{height} 过大，请缩小后重新上传")
    return image


def check_image(data, rule):
    """The re-encoded image, or RuleViolation saying in Chinese what is wrong with the upload."""
    image = _opened(data, rule.formats)
    width, height = image.size
    kb = len(data) / 1024
    if kb > rule.max_kb and not rule.reduce:
        raise RuleViolation(f"文件大小为 {kb:.0f} KB，超过 {rule.max_kb} KB 的上限")
    if kb < rule.min_kb:
        raise RuleViolation(f"文件大小为 {kb:.0f} KB，不足 {rule.min_kb} KB，请提高扫描清晰度后重新上传")
    try:
        image.load()
    except (OSError, SyntaxError, ValueError):
        raise RuleViolation("图片文件不完整或已损坏，请重新扫描后上传") from None
    if rule.width and (width, height) != (rule.width, rule.height):
        raise RuleViolation(f"照片应为 {rule.width}×{rule.height} 像素（宽×高），上传的是 {width}×{height} 像素")
    if kb > rule.max_kb:
        return _reduced(image, rule.max_kb)
    return CheckedImage(image.format, width, height, _reencode(image))


REDUCED_EDGES = (4000, 3000, 2400, 1800, 1400)  # the longest edge tried, largest first; 1400 px still reads


def _reduced(image, max_kb):
    """A phone photo over the limit, made to fit it (003: 手机拍照上传): the largest of REDUCED_EDGES whose
    JPEG at quality 85 is within max_kb."""
    upright = ImageOps.exif_transpose(image).convert("RGB")
    for edge in REDUCED_EDGES:
        smaller = upright.copy()
        smaller.thumbnail((edge, edge), Image.Resampling.LANCZOS)
        encoded = _jpeg(smaller, 85)
        if len(encoded) <= max_kb * 1024:
            return CheckedImage("JPEG", *smaller.size, encoded)
    raise RuleViolation(f"图片压缩后仍超过 {max_kb} KB，请换一张清晰、背景简洁的照片")


def _reencode(image):
    upright = ImageOps.exif_transpose(image)
    if image.format == "JPEG":
        return _encoded(upright.convert("RGB"), "JPEG", quality=90, optimize=True)
    return _encoded(upright, "PNG", optimize=True)


ONE_INCH = (295, 413)  # 一寸证件照, for a profile that names a file size but no pixels


def fit_photo(data, rule):
    """照片自动调整: crop a JPEG or PNG photo to the rule's aspect (faces sit above the centre), resize it
    to the rule's pixels and pick the JPEG quality that lands in its size range; the result passes
    check_image(rule). Raises RuleViolation when no quality does."""
    try:
        image = _opened(data, ("JPEG", "PNG"))
        upright = ImageOps.exif_transpose(image).convert("RGB")
    except (OSError, SyntaxError, ValueError):
        raise RuleViolation("图片文件不完整或已损坏，请换一张照片") from None
    size = (rule.width, rule.height) if rule.width else ONE_INCH
    fitted = ImageOps.fit(upright, size, Image.Resampling.LANCZOS, centering=(0.5, 0.4))
    low, high, best = 30, 95, None
    while low <= high:  # the largest quality under the ceiling: file size grows with quality
        quality = (low + high) // 2
        encoded = _jpeg(fitted, quality)
        if len(encoded) <= rule.max_kb * 1024:
            best, low = encoded, quality + 1
        else:
            high = quality - 1
    if best is None:
        raise RuleViolation(f"照片细节过多，压缩后仍超过 {rule.max_kb} KB，请换一张背景简洁的照片")
    if len(best) < rule.min_kb * 1024:
        best = max(best, _jpeg(fitted, 100, subsampling=0), key=len)
        if not rule.min_kb * 1024 <= len(best) <= rule.max_kb * 1024:
            raise RuleViolation(f"照片细节过少，调整后不足 {rule.min_kb} KB，请上传更清晰的原始照片")
    return best


def _jpeg(image, quality, subsampling=2):
    return _encoded(image, "JPEG", quality=quality, subsampling=subsampling, optimize=True)


def thumbnail(content):
    image = Image.open(io.BytesIO(content), formats=["JPEG", "PNG"])
    image.thumbnail((THUMBNAIL_EDGE, THUMBNAIL_EDGE))
    return _encoded(image.convert("RGB"), "JPEG", quality=80)


def _encoded(image, fmt, **options):
    """The image's pixels alone: nothing its file carried besides them (EXIF, a JPEG comment, an ICC profile,
    PNG text) is written again. Pillow would copy a JPEG's comment and a PNG's ICC profile by itself."""
    image.info = {}
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()
