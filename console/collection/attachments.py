"""Attachments: one checked, re-encoded scan per slot of a collection, a unit (its licence) or a filing
(a letter, a certificate), and who may read them."""

import hashlib
from datetime import timedelta

from console.collection import answers, letters
from console.errors import RuleViolation
from console.infra import audit, clock, images, storage
from console.infra.batches import chunks
from console.org.access import is_accountant, may_read
from models import Attachment, ContentFile, SlotSample, Transfer, db

SLOTS = {
    "photo": "1 寸免冠白底证件照",
    "id_front": "身份证头像面",
    "id_back": "身份证国徽面",
    "diploma": "全日制学历证书",
    "degree": "全日制学位证书",
    "part_time_diploma": "非全日制学历证书",
    "part_time_degree": "非全日制学位证书",
    "diploma_record": "全日制学历电子注册备案表",
    "part_time_diploma_record": "非全日制学历电子注册备案表",
    "qualification": "专业技术资格证书",
    "letter": "从事会计工作证明函",
    "work_proof": "工作证明",
    "residence": "居住证明",
    "student": "学籍在线验证报告",
    "commitment": "材料真实性承诺书",
    "talent_proof": "人才证明材料",
    "award_proof": "获奖证明材料",
    "violation_proof": "处罚通知等证明材料",
    "publication_proof": "论文或著作证明材料",
}
OTHER_SLOTS = {
    "licence": "营业执照或法人证书",
    "head_letter": "单位会计机构负责人备案函",
    "student": "学籍在线验证报告",
    "id_correction": "公安机关出具的证件号码变更证明",
    "education_proof": "继续教育学分证明",
}
ALL_SLOTS = {**SLOTS, **OTHER_SLOTS}  # a filing's scans: its own kinds, and a certificate or letter
ID_SCANS = {"id_front", "id_back"}
# The section a scan proves, so the review page shows it beside that section's answers.
SLOT_SECTIONS = {
    **dict.fromkeys(("photo", "id_front", "id_back"), "personal"),
    **dict.fromkeys(
        ("diploma", "degree", "part_time_diploma", "part_time_degree", "diploma_record", "part_time_diploma_record"),
        "education",
    ),
    "qualification": "qualification",
    "talent_proof": "talent",
    **dict.fromkeys(("letter", "work_proof", "residence", "student"), "post"),
    "award_proof": "awards",
    "violation_proof": "violations",
    "publication_proof": "publications",
}


def attach(collection, slot, data, profile, uploader):
    """Check the upload against the profile's rule for the slot, store it, replace what the slot held."""
    if slot not in SLOTS:
        raise RuleViolation("未知的附件类型")
    checked = images.check_image(data, images.ImageRule.for_slot(profile, slot))
    if slot == "letter" and profile.proof_template == "letter":  # 002 §七: 证明函上传时由系统自动审核
        difference = letters.collection_mismatch(checked.content, collection, answers.read(collection))
        if difference:
            raise RuleViolation(difference, slot)
    name = stored(checked)
    with db.atomic():
        replaced = Attachment.get_or_none(Attachment.collection == collection, Attachment.slot == slot)
        attachment = record(name, checked, slot, uploader, collection=collection)
        if replaced:
            replaced.delete_instance()
    if replaced:
        storage.remove(replaced.storage_name)
    return attachment


def stored(checked):
    """Write a checked scan and its thumbnail under a generated name; returns the name."""
    name = storage.save(checked.content, checked.suffix)
    storage.write(storage.thumbnail_name(name), images.thumbnail(checked.content))
    return name


def record(name, checked, slot, uploader, **owner):
    """The row for a stored scan; `owner` is its collection, unit or filing."""
    return Attachment.create(
        slot=slot,
        storage_name=name,
        content_type=f"image/{checked.format.lower()}",
        size=len(checked.content),
        width=checked.width,
        height=checked.height,
        sha256=hashlib.sha256(checked.content).hexdigest(),
        uploaded_by=uploader,
        uploaded_at=clock.now(),
        **owner,
    )


def remove(attachment):
    with db.atomic():
        attachment.delete_instance()
    storage.remove(attachment.storage_name)


ORPHAN_GRACE = timedelta(hours=24)  # an upload under way has its row within seconds; a day is beyond doubt


def sweep_orphans(now=None):
    """Remove the stored files no attachment points to, a scan's or a published item's (a crash between writing
    a file and its row, or an unfinished write) once they are ORPHAN_GRACE old; returns how many went."""
    old = storage.written_before((now or clock.now()) - ORPHAN_GRACE)
    held = set()
    for stems in chunks(sorted({name[:32] for name in old}), 500):
        originals = [stem + suffix for stem in stems for suffix in (".jpg", ".png", ".pdf", ".zip")]
        for model in (Attachment, ContentFile, SlotSample, Transfer):
            query = model.select(model.storage_name).where(model.storage_name.in_(originals))
            held |= {name[:32] for (name,) in query.tuples()}
    orphans = [name for name in old if name[:32] not in held]
    for name in orphans:
        storage.remove_any(name)
    return len(orphans)


def can_read(account, attachment):
    """Whoever may read the collection, unit, filing or archive may read its scans (console.org.access); a
    person, the scans of their own archive (a credit record's proof they declared, say)."""
    own = attachment.accountant_id
    if own is not None and own == getattr(account, "accountant_id", None):
        return True
    owner = attachment.collection or attachment.unit or attachment.filing or attachment.accountant
    return owner is not None and may_read(account, owner)


def record_read(account, attachment):
    """Every staff view of an ID scan goes to the audit log."""
    if attachment.slot in ID_SCANS and not is_accountant(account):
        audit.record(
            "attachment.read", attachment, {"附件": SLOTS[attachment.slot], "信息采集": attachment.collection_id}
        )
