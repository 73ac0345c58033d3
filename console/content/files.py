"""A published item's attachments: a PDF or an image, told by its content (never its name), stored under a
generated name (console.infra.storage). An image is checked and re-encoded as every scan is
(console.infra.images); a PDF must open and have pages."""

import hashlib
import io

from pypdf import PdfReader

from console.errors import RuleViolation
from console.infra import clock, storage
from console.infra.images import ImageRule, check_image
from models import ContentFile, db

MAX_KB = 8 * 1024  # under the app's MAX_CONTENT_LENGTH, with the form around the file
MAX_FILES = 10
MAX_NAME = 100
IMAGE_RULE = ImageRule(("JPEG", "PNG"), MAX_KB)
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
PDF_MAGIC = b"%PDF-"
KIND_REFUSED = "附件应为 PDF 文件或 JPEG、PNG 图片（按文件内容识别，与文件名无关）"


def checked(data):
    """(content type, suffix, what is stored) of an upload, or RuleViolation saying what is wrong with it."""
    if not data:
        raise RuleViolation("请选择要上传的文件", "file")
    if data.startswith(PDF_MAGIC):
        _check_pdf(data)
        return "application/pdf", ".pdf", data
    if not data.startswith(IMAGE_MAGIC):
        raise RuleViolation(KIND_REFUSED, "file")
    try:
        image = check_image(data, IMAGE_RULE)
    except RuleViolation as refusal:
        raise RuleViolation(str(refusal), "file") from None
    except OSError:  # a header cut short fails in Image.open already, before check_image's own catch
        raise RuleViolation("图片文件不完整或已损坏，请重新上传", "file") from None
    return f"image/{image.format.lower()}", image.suffix, image.content


def _check_pdf(data):
    kb = len(data) / 1024
    if kb > MAX_KB:
        raise RuleViolation(f"文件大小为 {kb:.0f} KB，超过 {MAX_KB} KB 的上限", "file")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise RuleViolation("PDF 文件已加密，请上传未加密的文件", "file")
        pages = len(reader.pages)
    except RuleViolation:
        raise
    except Exception as error:  # pypdf raises many kinds for bytes that only start like a PDF
        raise RuleViolation("PDF 文件不完整或已损坏，请重新导出后上传", "file") from error
    if not pages:
        raise RuleViolation("PDF 文件没有页面", "file")


def attach(content, filename, data, by):
    """Check and store one file of the item; returns its ContentFile."""
    if content.files.count() >= MAX_FILES:
        raise RuleViolation(f"每条内容最多 {MAX_FILES} 个附件，请先删除不用的附件", "file")
    content_type, suffix, stored = checked(data)
    name = storage.save(stored, suffix)
    return ContentFile.create(
        content=content,
        filename=_shown_name(filename, suffix),
        storage_name=name,
        content_type=content_type,
        size=len(stored),
        sha256=hashlib.sha256(stored).hexdigest(),
        uploaded_by=by,
        uploaded_at=clock.now(),
    )


def _shown_name(filename, suffix):
    """The uploader's name for the file without any folder, with the suffix of what it is."""
    stem = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0].strip()
    return (stem or "附件")[:MAX_NAME] + suffix


def remove(attached):
    with db.atomic():
        attached.delete_instance()
    storage.remove(attached.storage_name)
