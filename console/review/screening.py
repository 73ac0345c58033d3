"""Screening of a submitted collection: the automatic checks, shown beside the values on the review page, and
the failed ones kept as the collection's flags, which the queue filters on and bulk approval skips.

Each check reuses the rule it checks (identity, collection_rules, images); what is new here is
the photo's white background and a phone also used under another ID number."""

import io
import json
from dataclasses import asdict, dataclass

from PIL import Image

from console.collection import letters, rules
from console.errors import RuleViolation
from console.imports.legacy import LEGACY_MAP
from console.infra import clock, images, storage
from console.org import unit_codes, units
from console.people import identity
from models import Attachment, LegacyRecord, PersonalSection

FLAGS = {
    "id_invalid": "证件号码无效",
    "uscc_invalid": "统一社会信用代码无效",
    "unit_out_of_province": "单位不在本省（区）",
    "photo_rule": "照片尺寸或大小不符",
    "photo_background": "照片非白底",
    "work_before_graduation": "参加工作早于毕业",
    "phone_duplicate": "手机号被其他证件使用",
    "letter_mismatch": "证明函与填写信息不一致",
}
WHITE_SHARE = 0.8  # of the photo's border that must be near-white


@dataclass(frozen=True)
class Check:
    section: str
    field: str
    ok: bool
    text: str
    flag: str = ""  # the flag a failure raises; "" for information only


def run(collection, given, profile, files=None, today=None):
    """Every check of one collection, given its answers (console.collection.answers.read) and its scans."""
    today = today or clock.today()
    personal, post = given["personal"], given["post"]
    found = _identity(personal, today) + _phone(personal)
    if post.get("has_unit"):
        found += _unit(post.get("unit_uscc") or "", profile)
    graduated = given["full_time"].get("graduated_on")
    if post.get("work_started_on") and graduated and profile.work_start_after_graduation:
        early = rules.works_before_graduation(post["work_started_on"], graduated)
        found.append(
            Check(
                "post",
                "work_started_on",
                not early,
                f"早于全日制毕业时间 {graduated:%Y-%m-%d}" if early else "晚于毕业时间",
                "work_before_graduation",
            )
        )
    if files is None:
        files = Attachment.select().where(Attachment.collection == collection)
    photo = next((a for a in files if a.slot == "photo"), None)
    if photo is not None:
        found += _photo(photo, profile)
    letter = next((a for a in files if a.slot == "letter"), None)
    if letter is not None and profile.proof_template == "letter":
        found += _letter(letter, collection, given)
    return found


def _letter(scan, collection, given):
    """The uploaded 证明函 against the answers as they stand (they may have changed since it was printed)."""
    difference = letters.collection_mismatch(storage.read(scan.storage_name), collection, given)
    return [Check("attachments", "letter", difference is None, difference or "与填写的信息一致", "letter_mismatch")]


def flags_of(checks):
    return sorted({c.flag for c in checks if not c.ok and c.flag})


def _identity(personal, today):
    try:
        person = identity.check_id(personal.get("id_type"), personal.get("id_number"), today)
    except RuleViolation as invalid:
        return [Check("personal", "id_number", False, str(invalid), "id_invalid")]
    found = [Check("personal", "id_number", True, "校验位正确" if person.birth_date else "格式正确")]
    if person.birth_date:
        found.append(
            Check(
                "personal",
                "gender",
                personal.get("gender") == person.gender,
                "与证件号码一致" if personal.get("gender") == person.gender else "与证件号码不一致",
            )
        )
        born = personal.get("birth_date")
        age = (
            today.year
            - person.birth_date.year
            - ((today.month, today.day) < (person.birth_date.month, person.birth_date.day))
        )
        found.append(
            Check(
                "personal",
                "birth_date",
                born == person.birth_date,
                f"与证件号码一致，{age} 岁" if born == person.birth_date else "与证件号码不一致",
            )
        )
    return found


def _phone(personal):
    phone, number = personal.get("phone") or "", personal.get("id_number") or ""
    elsewhere = PersonalSection.select(PersonalSection.id_number.alias("number")).where(
        PersonalSection.phone == phone, PersonalSection.id_number != number
    )
    in_old_database = LegacyRecord.select(LegacyRecord.id_number.alias("number")).where(
        LegacyRecord.phone == phone, LegacyRecord.id_number != number
    )
    others = {n for (n,) in (elsewhere | in_old_database).limit(6).tuples()}  # one query over both
    if others:
        masked = "、".join(identity.mask_id(n) for n in sorted(others))
        return [Check("personal", "phone", False, f"该手机号还登记在证件号码 {masked} 名下", "phone_duplicate")]
    return [Check("personal", "phone", True, "未被其他证件使用")]


def _unit(raw, profile):
    fault = units.code_fault(unit_codes.normalized(raw), profile)
    text = {"uscc_invalid": "校验不通过", "unit_out_of_province": "单位登记地不在本省（区）"}
    return [Check("post", "unit_uscc", fault is None, text.get(fault, "校验正确，单位在本省（区）"), fault or "")]


def _photo(photo, profile):
    """Pixels and format against today's rule (the size was checked on upload; the stored file is re-encoded)."""
    rule = images.ImageRule.for_slot(profile, "photo")
    fits = photo.content_type.split("/")[-1].upper() in rule.formats and (
        not rule.width or (photo.width, photo.height) == (rule.width, rule.height)
    )
    shape = f"{photo.width}×{photo.height} 像素" + ("" if fits else f"，应为 {rule.describe()}")
    white = white_background(storage.read(photo.storage_name))
    return [
        Check("attachments", "photo", fits, shape, "photo_rule"),
        Check("attachments", "photo", white, "白色背景" if white else "背景不是白色", "photo_background"),
    ]


def white_background(content):
    """Whether the photo's border (the outer tenth on each side) is mostly near-white."""
    with Image.open(io.BytesIO(content), formats=["JPEG", "PNG"]) as opened:
        image = opened.convert("RGB").resize((40, 50))
    width, height = image.size
    border = [
        image.getpixel((x, y)) for x in range(width) for y in range(height) if x < 4 or x >= width - 4 or y < 5
    ]  # the bottom edge is the shoulders
    white = sum(1 for r, g, b in border if min(r, g, b) >= 200 and max(r, g, b) - min(r, g, b) <= 30)
    return white >= WHITE_SHARE * len(border)


def dumps(checks):
    """The checks as a submission keeps them, so the review page shows them without running them again."""
    return json.dumps([asdict(check) for check in checks], ensure_ascii=False)


def loads(text):
    return [Check(**check) for check in json.loads(text or "[]")]


def by_field(checks):
    """{(section, field): [Check]} as the review page shows them beside the values."""
    found = {}
    for check in checks:
        found.setdefault((check.section, check.field), []).append(check)
    return found


def passes_unreviewed(given, legacy, profile):
    """Whether a submission that raised no flag passes without back-office review: where the profile allows,
    the person is in the old certificate database and nothing it holds was changed (002 §十 "系统直接审核通过")."""
    if profile.auto_pass != "legacy_unchanged" or legacy is None:
        return False
    return all(
        given[section].get(field) == getattr(legacy, column)
        for section, field, column in LEGACY_MAP
        if getattr(legacy, column) not in (None, "")
    )
