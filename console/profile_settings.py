"""省份设置: the profile keys a province changes from year to year without a release, kept by the province admin in
the console. The profile file keeps the structure (sections, sign-in modes, routing) and the defaults; each change
here is a ProfileSetting row (who, when, the value before), checked as the file is (console.profiles.check), and
the profile in force is the file's with the newest value of each key over it.

Every process keeps the profile in force and asks the database for the newest version at most once every
SETTINGS_RECHECK_SECONDS (and once per request), so a change takes effect on every worker within that time,
without a restart; the process that made it sees it at once."""

import dataclasses
import json
import re
import time
from datetime import date

from flask import current_app, g, has_request_context
from peewee import DatabaseError, fn

from console.collection.attachments import SLOTS
from console.errors import RuleViolation
from console.infra import audit, clock, images
from console.profiles import Profile, ProfileError, check
from models import Account, ProfileSetting, db

EDITABLE = {
    "uploads": "上传文件大小与像素",
    "collection_deadline": "信息采集截止日期",
    "deadline_message": "截止提示",
    "preparation_notice": "信息采集须知",
    "materials": "需要准备的材料",
    "sms_signature": "短信签名",
    "auto_pass": "系统直接审核通过",
}
MAX_MESSAGE = 200
MAX_NOTICE = 5000
MAX_MATERIAL = 500
SIGNATURE = re.compile(r"[\u4e00-\u9fa5A-Za-z0-9]{2,12}")  # a provider's 签名: 2–12 characters, no brackets


@dataclasses.dataclass(frozen=True)
class Kept:
    version: int
    profile: Profile
    checked_at: float


def in_force(app=None):
    """The profile in force for this app: the file's, with the console's settings over it."""
    app = app or current_app._get_current_object()
    if has_request_context() and "profile" in g:
        return g.profile
    kept = app.extensions.get("profile_settings")
    now = time.monotonic()
    if kept is None or now - kept.checked_at >= app.config["SETTINGS_RECHECK_SECONDS"]:
        try:
            kept = app.extensions["profile_settings"] = _read(app, kept, now)
        except DatabaseError:  # the database is gone: the page that says so still needs a profile
            return kept.profile if kept else app.extensions["profile"]
    if has_request_context():
        g.profile = kept.profile
    return kept.profile


def _read(app, kept, now):
    version = _newest_version()
    profile = kept.profile if kept and kept.version == version else _apply(app.extensions["profile"], values())
    return Kept(version, profile, now)


def forget(app=None):
    """After a change: this process reads the settings again at its next use."""
    (app or current_app).extensions.pop("profile_settings", None)
    if has_request_context():
        g.pop("profile", None)


def _newest_version():
    return ProfileSetting.select(fn.MAX(ProfileSetting.id)).scalar() or 0


def values():
    """{key: value} of the keys the console has set (the newest version of each; None puts the file's back)."""
    newest = ProfileSetting.select(fn.MAX(ProfileSetting.id)).group_by(ProfileSetting.key)
    rows = ProfileSetting.select().where(ProfileSetting.id.in_(newest))
    return {row.key: json.loads(row.value) for row in rows if row.value is not None}


def _apply(base, settings):
    data = {**dataclasses.asdict(base), **settings}
    check(data, base.key)
    return Profile(**data)


def candidate(base, current, changes):
    """The profile the changes would make, checked as the file is; RuleViolation when the file would refuse it."""
    try:
        return _apply(base, {**current, **changes})
    except ProfileError as problem:
        raise RuleViolation(f"设置不符合省份配置的规则：{problem}") from None


def changed(profile, typed):
    """The keys of `typed` whose value differs from the profile in force."""
    return {key: value for key, value in typed.items() if getattr(profile, key) != value}


def save(base, profile, changes, by):
    """Write a version of each changed key, in one transaction, audited; returns the profile now in force."""
    if not changes:
        raise RuleViolation("没有需要保存的修改")
    result = candidate(base, values(), changes)
    now = clock.now()
    with db.atomic():
        for key, value in changes.items():
            before = getattr(profile, key)
            ProfileSetting.create(
                key=key,
                value=json.dumps(value, ensure_ascii=False),
                previous=json.dumps(before, ensure_ascii=False),
                changed_by=by,
                changed_at=now,
            )
        audit.record(
            "settings.change", detail={EDITABLE[key]: _shown(value) for key, value in changes.items()}, actor=by
        )
    forget()
    return result


def revert(version, base, profile, by):
    """Put the value in force before `version` back, as a new version."""
    return save(base, profile, {version.key: json.loads(version.previous)}, by)


def history(limit=100):
    query = ProfileSetting.select(ProfileSetting, Account).join(Account)
    return list(query.order_by(ProfileSetting.id.desc()).limit(limit))


def as_text(stored):
    """A stored JSON value as the history shows it."""
    return _shown(json.loads(stored)) if stored is not None else "（配置文件默认值）"


def _shown(value):
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return (text if len(text) <= 200 else text[:200] + "…") or "（空）"


# What the console's form typed, checked field by field, in words for the admin; the result is checked once more
# as the profile file is (candidate), so nothing the file would refuse gets in.


def problems(typed, profile):
    """{field: message} of what is wrong with the typed settings (see the form in views.console.settings_view)."""
    found = {}
    for slot, (field, message) in _upload_problems(typed["uploads"]).items():
        found[f"uploads.{slot}.{field}"] = message
    deadline = typed["collection_deadline"]
    if deadline and not _is_date(deadline):
        found["collection_deadline"] = "请按 年-月-日 填写截止日期"
    if len(typed["deadline_message"]) > MAX_MESSAGE:
        found["deadline_message"] = f"截止提示不能超过 {MAX_MESSAGE} 个字"
    if len(typed["preparation_notice"]) > MAX_NOTICE:
        found["preparation_notice"] = f"信息采集须知不能超过 {MAX_NOTICE} 个字"
    for index, item in enumerate(typed["materials"]):
        if len(item["text"]) > MAX_MATERIAL:
            found[f"materials.{index}.text"] = f"每项材料说明不能超过 {MAX_MATERIAL} 个字"
    signature = typed["sms_signature"]
    if signature and not SIGNATURE.fullmatch(signature):
        found["sms_signature"] = "短信签名为 2–12 个汉字、字母或数字，不带【】"
    return found


def _is_date(text):
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _upload_problems(uploads):
    """{slot or "": (field, message)}: the general rule ("") and each slot's own, as the file's check reads them."""
    general = {k: v for k, v in uploads.items() if not isinstance(v, dict)}
    found = {}
    for slot, rule in [
        ("", general),
        *[(s, {**general, **own}) for s, own in uploads.items() if isinstance(own, dict)],
    ]:
        problem = _rule_problem(rule)
        if problem:
            found[slot] = problem
    return found


def _rule_problem(rule):
    if "max_kb" not in rule:
        return "max_kb", "请填写最大文件大小"
    for name in ("max_kb", "width", "height"):
        value = rule.get(name)
        if value is not None and not (type(value) is int and value > 0):
            return name, "请填写正整数"
    min_kb = rule.get("min_kb", 0)
    if not (type(min_kb) is int and 0 <= min_kb < rule["max_kb"]):  # max_kb is a positive int by now
        return "min_kb", "最小文件大小应为 0 或正整数，并小于最大文件大小"
    if ("width" in rule) != ("height" in rule):
        return ("height" if "width" in rule else "width"), "宽度和高度须同时填写"
    return None


def slots_of(profile):
    """The upload slots the settings page lists: those the profile's file has a rule for, then the others."""
    return [slot for slot in SLOTS if isinstance(profile.uploads.get(slot), dict)] + [
        slot for slot in SLOTS if not isinstance(profile.uploads.get(slot), dict)
    ]


def materials(profile):
    """The preparation page's list: (text, the rule of its slot made from `uploads`, or None) per item."""
    return [
        (item["text"], images.ImageRule.for_slot(profile, item["slot"]).describe() if item.get("slot") else None)
        for item in profile.materials
    ]
