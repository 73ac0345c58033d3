"""材料示例 (001 J-6.6: 身份证、学历证明……的示例; 002 §四: 示例见信息页面): one sample image per upload slot, set by
an admin at the province and shown beside the slot in the wizard. A sample is nobody's personal data: anyone
may fetch it (views.samples). It is checked by its content and re-encoded as every scan is
(console.infra.images), stored under a generated name with its thumbnail, and each change is audited."""

import hashlib

from console.collection.attachments import ALL_SLOTS, stored
from console.errors import RuleViolation
from console.infra import audit, clock, storage
from console.infra.images import ImageRule, check_image
from models import SlotSample, db

MAX_KB = 2 * 1024
RULE = ImageRule(("JPEG", "PNG"), MAX_KB)
MAX_NAME = 100


def samples_for(slots):
    """{slot: SlotSample} of those of `slots` that have a sample, in one query."""
    query = SlotSample.select().where(SlotSample.slot.in_(list(slots)))
    return {sample.slot: sample for sample in query}


def sample(slot):
    return SlotSample.get_or_none(SlotSample.slot == slot)


def set(slot, filename, data, by):
    """Check and store the slot's sample, replacing (and removing) the one it had; returns its SlotSample."""
    if slot not in ALL_SLOTS:
        raise RuleViolation("未知的材料类型")
    checked = _checked(data)
    name = stored(checked)
    with db.atomic():
        previous = sample(slot)
        if previous is not None:
            previous.delete_instance()
        added = SlotSample.create(
            slot=slot,
            storage_name=name,
            content_type=f"image/{checked.format.lower()}",
            size=len(checked.content),
            sha256=hashlib.sha256(checked.content).hexdigest(),
            uploaded_by=by,
            uploaded_at=clock.now(),
        )
        detail = {"材料": ALL_SLOTS[slot], "文件名": _base_name(filename), "大小": f"{len(checked.content) // 1024} KB"}
        audit.record("sample.set", added, detail, actor=by)
    if previous is not None:
        storage.remove(previous.storage_name)
    return added


def _checked(data):
    """The re-encoded image, or RuleViolation at the file field saying what is wrong with it."""
    if not data:
        raise RuleViolation("请选择要上传的示例图片", "file")
    try:
        return check_image(data, RULE)
    except RuleViolation as refusal:
        raise RuleViolation(str(refusal), "file") from None


def _base_name(filename):
    """The uploader's name for the file, without any folder, for the audit log."""
    return (filename or "").replace("\\", "/").rsplit("/", 1)[-1][:MAX_NAME]


def remove(slot, by):
    found = sample(slot)
    if found is None:
        raise RuleViolation("该材料还没有示例")
    with db.atomic():
        found.delete_instance()
        audit.record("sample.remove", found, {"材料": ALL_SLOTS[slot]}, actor=by)
    storage.remove(found.storage_name)
