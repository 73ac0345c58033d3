"""学历电子备案表 (教育部学历证书电子注册备案表), where the profile's manual asks it (内蒙古, 002 §四.5, 8; §八):
its 在线验证码 is optional — given, the 备案表's scan must be uploaded — and an education whose code and scan are
both given is 加标, a mark the reviewer sees beside the education and the archive keeps ("自愿提供，提供后学历加标").
The code is printed in groups (0908 8869 3519): it is kept as its 12 digits (models.collection.SpacelessField)."""

import json
import re

from console.collection import sections
from models import Collection, Submission
from models.collection import EDUCATION_MODES

RECORD_SLOTS = {"full_time": "diploma_record", "part_time": "part_time_diploma_record"}
MARK = "学历已加标（提供电子注册备案表）"
CODE = re.compile(r"[0-9]{12}")


def code_problem(code):
    """What is wrong with an online code as typed (spaces allowed), or None; no code is no problem."""
    digits = re.sub(r"\s", "", code or "")
    if digits and not CODE.fullmatch(digits):
        return "应为 12 位数字（如 0908 8869 3519）"
    return None


def coded(profile, given):
    """The modes (full_time, part_time) whose online code is given, where the profile asks it."""
    if not profile.education_record:
        return []
    return [mode for mode in RECORD_SLOTS if re.sub(r"\s", "", given[mode].get("record_code") or "")]


def demanded_slots(profile, given):
    """The 备案表 scans the codes given call for (002 §八: 填写的必须上传)."""
    return [RECORD_SLOTS[mode] for mode in coded(profile, given)]


def offered_slots(profile, given):
    """The 备案表 scans offered though no code asks for them yet (自愿提供), of the educations declared."""
    if not profile.education_record:
        return []
    return [
        slot for mode, slot in RECORD_SLOTS.items() if given[mode].get("level") and mode not in coded(profile, given)
    ]


def marks(education, slots):
    """The 加标 of a submission's educations: ["全日制学历已加标（提供电子注册备案表）", …] for each whose code
    (`education` as the snapshot keeps it, {full_time_record_code: …}) and scan (`slots` uploaded) are given."""
    return [
        f"{EDUCATION_MODES.label(mode)}{MARK}"
        for mode, slot in RECORD_SLOTS.items()
        if (education.get(f"{mode}_record_code") or "").strip() and slot in slots
    ]


def archived(accountant, profile):
    """What the archive shows of a person's education and talent: (sections.shown() of the education and of the
    section that holds the talent, the 加标 marks), as the latest approved collection's last submission says;
    ([], []) for someone no collection of whom was approved."""
    kept = (
        Submission.select(Submission.answers, Submission.files)
        .join(Collection)
        .where(Collection.accountant == accountant, Collection.status == "approved")
        .order_by(Collection.id.desc(), Submission.revision.desc())
        .first()
    )
    if kept is None:
        return [], []
    answers, files = json.loads(kept.answers), json.loads(kept.files)
    keys = ["education", "talent" if "talent" in profile.sections else "qualification"]
    return sections.shown(answers, keys, profile, {}), marks(answers.get("education", {}), files)
