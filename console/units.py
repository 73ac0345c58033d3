"""Units (工作单位): found by USCC, added once by the first accountant who needs them, with the licence scan
(002 §七.3). Only in-province units; later edits belong to the unit's accounting head."""
import hashlib

from peewee import IntegrityError
from stdnum.cn import uscc as uscc_code

from console import audit, clock, images, storage
from console.errors import RuleViolation
from console.routing import authority_for_region
from models import Attachment, Unit, db


def checked_uscc(raw):
    code = (raw or "").strip().upper()
    if not uscc_code.is_valid(code):
        raise RuleViolation("统一社会信用代码不正确，请核对营业执照或法人证书上的 18 位代码", "unit_uscc")
    if authority_for_region(code[2:8]) is None:
        raise RuleViolation("只能添加本省（区）范围内的单位；在外省工作的，请在单位所在地参加会计人员信息采集",
                            "unit_uscc")
    return code


def find_unit(raw):
    """获取单位信息: the unit already in the system, or None when it must be added."""
    return Unit.get_or_none(Unit.uscc == checked_uscc(raw))


def add_unit(raw_uscc, name, address, economic_type, phone, licence, profile, uploader):
    """Add an in-province unit with its licence scan; a unit is added once, by whoever comes first."""
    code = checked_uscc(raw_uscc)
    if not (name or "").strip():
        raise RuleViolation("请填写单位全称", "unit_name")
    if not (address or "").strip():
        raise RuleViolation("请填写单位地址", "unit_address")
    authority = authority_for_region(code[2:8])
    scan = images.check_image(licence, images.ImageRule.for_slot(profile, "licence"))
    name_on_disk = storage.save(scan.content, scan.suffix)
    storage.write(storage.thumbnail_name(name_on_disk), images.thumbnail(scan.content))
    try:
        with db.atomic():
            unit = Unit.create(uscc=code, name=name.strip(), region_code=code[2:8], authority=authority,
                               address=address.strip(), phone=(phone or "").strip(), economic_type=economic_type or "",
                               created_at=clock.now())
            Attachment.create(slot="licence", unit=unit, storage_name=name_on_disk,
                              content_type=f"image/{scan.format.lower()}", size=len(scan.content), width=scan.width,
                              height=scan.height, sha256=hashlib.sha256(scan.content).hexdigest(),
                              uploaded_by=uploader, uploaded_at=clock.now())
            audit.record("unit.create", unit, {"统一社会信用代码": code, "单位全称": unit.name}, actor=uploader)
    except IntegrityError:
        storage.remove(name_on_disk)  # someone added it a moment ago: theirs stands
        return Unit.get(Unit.uscc == code)
    return unit
