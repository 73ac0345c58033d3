"""The review of a submitted collection: who may read and decide it, claims, approve, return,
bulk approval, and the screening every submission gets (flags, auto-pass).

Every decision is one conditional UPDATE … WHERE status = 'submitted' AND revision = … AND the
decider holds the claim, so of two reviewers deciding at once exactly one succeeds; the other is
told who decided. A null actor is the system (自动审核通过)."""
import json
from dataclasses import dataclass
from datetime import timedelta

from peewee import SQL, Value, fn

from console import audit, checks, clock, collections, notifier, work_history
from console.scope import may_decide
from console.errors import RuleViolation
from models import (
    Account,
    Accountant,
    Collection,
    LegacyRecord,
    PersonalSection,
    PostSection,
    ReasonTemplate,
    ReturnReason,
    ReviewEvent,
    Submission,
    WorkPeriod,
    db,
)
from models.collection import COLLECTION_STATES

CLAIM_MINUTES = 30
MAX_REASON_LENGTH = 500
GENERAL = "general"  # a reason about the whole collection, not one section


def holds_claim(account, collection, now=None):
    return (collection.claimed_by_id == account.id and collection.claimed_until is not None
            and collection.claimed_until >= (now or clock.now()))


def claim(collection, account):
    """Hold the collection for CLAIM_MINUTES; renewing one's own claim is allowed. Returns it fresh."""
    if not may_decide(account, collection):
        raise RuleViolation("该信息采集不属于本机构审核，只能查看")
    now = clock.now()
    held = (Collection.claimed_by.is_null() | (Collection.claimed_until < now)
            | (Collection.claimed_by == account.id))
    with db.atomic():
        taken = (Collection.update(claimed_by=account, claimed_until=now + timedelta(minutes=CLAIM_MINUTES))
                 .where(Collection.id == collection.id, Collection.status == "submitted", held).execute())
        if not taken:
            raise _refusal(collection.id, account, now)
        if collection.claimed_by_id != account.id or not holds_claim(account, collection, now):
            ReviewEvent.create(collection=collection, kind="claim", actor=account, revision=collection.revision,
                               at=now)
    return Collection.get_by_id(collection.id)


def release(collection, account):
    with db.atomic():
        freed = (Collection.update(claimed_by=None, claimed_until=None)
                 .where(Collection.id == collection.id, Collection.claimed_by == account.id).execute())
        if freed:
            ReviewEvent.create(collection=collection, kind="release", actor=account, revision=collection.revision,
                               at=clock.now())
    return Collection.get_by_id(collection.id)


def approve(collection, account, profile):
    """审核通过: the accountant enters the archive, the work history starts, the applicant gets an SMS."""
    now = clock.now()
    with db.atomic():
        event = _decide(collection, account, "approved", "approve" if account else "auto_pass", now)
        _enter_archive(collection, now)
        audit.record("collection.approve" if account else "collection.auto_pass", collection,
                     {"第几次提交": collection.revision}, actor=account, system=account is None)
        notifier.send_sms(collection.accountant.phone,
                          f"【{profile.system_name}】您提交的会计人员信息采集已审核通过，信息已入库。")
    return event


@dataclass(frozen=True)
class Reason:
    section: str
    target: str
    text: str
    template_id: int | None = None


def reasons_from(template_ids, free_text, free_section=GENERAL):
    """The reasons a reviewer picked: active templates, plus free text about a section or the whole collection."""
    ids = [int(i) for i in template_ids or () if str(i).isdigit()]
    templates = list(ReasonTemplate.select().where(ReasonTemplate.id.in_(ids), ReasonTemplate.is_active)) if ids else []
    if len(templates) != len(set(ids)):
        raise RuleViolation("所选退回原因已停用或不存在，请刷新后重新选择", "templates")
    picked = [Reason(t.section, t.target, t.text, t.id) for t in sorted(templates, key=lambda t: t.sort_order)]
    text = (free_text or "").strip()
    if len(text) > MAX_REASON_LENGTH:
        raise RuleViolation(f"补充说明不能超过 {MAX_REASON_LENGTH} 字", "note")
    if text:
        picked.append(Reason(free_section or GENERAL, "", text))
    if not picked:
        raise RuleViolation("请至少选择或填写一条退回原因", "templates")
    return picked


def return_collection(collection, account, profile, reasons):
    """已退回, with reasons the portal shows at their fields; the applicant gets an SMS."""
    if not reasons:
        raise RuleViolation("请至少选择或填写一条退回原因", "templates")
    now = clock.now()
    with db.atomic():
        event = _decide(collection, account, "returned", "return", now)
        ReturnReason.insert_many([{"event": event, "template": r.template_id, "section": r.section,
                                   "target": r.target, "text": r.text} for r in reasons]).execute()
        audit.record("collection.return", collection, {"退回原因": [r.text for r in reasons]}, actor=account)
        notifier.send_sms(collection.accountant.phone,
                          f"【{profile.system_name}】您提交的会计人员信息采集已退回，请登录系统查看退回原因，修改后重新提交。")
    return event


def _decide(collection, account, status, kind, now):
    where = [Collection.id == collection.id, Collection.status == "submitted",
             Collection.revision == collection.revision]
    if account is not None:
        where.append((Collection.claimed_by == account.id) & (Collection.claimed_until >= now))
    decided = (Collection.update(status=status, decided_at=now, decided_by=account, claimed_by=None,
                                 claimed_until=None, updated_at=now).where(*where).execute())
    if not decided:
        raise _refusal(collection.id, account, now)
    return ReviewEvent.create(collection=collection, kind=kind, actor=account, revision=collection.revision, at=now)


def _refusal(collection_id, account, now):
    """Why a claim or decision did not happen, as the reviewer needs to hear it."""
    current = Collection.get_by_id(collection_id)
    states = dict(COLLECTION_STATES)
    if current.status != "submitted":
        if current.decided_by_id and current.decided_at:
            who = Account.get_by_id(current.decided_by_id)
            return RuleViolation(f"{who}已于 {clock.to_beijing(current.decided_at):%m-%d %H:%M} "
                                 f"作出决定：{states[current.status]}")
        return RuleViolation(f"该信息采集当前为“{states[current.status]}”，不能审核")
    if current.claimed_until and current.claimed_until >= now and current.claimed_by_id != getattr(account, "id", None):
        holder = Account.get_by_id(current.claimed_by_id)
        return RuleViolation(f"{holder}正在审核（领取至 {clock.to_beijing(current.claimed_until):%H:%M}）")
    if account is not None and not holds_claim(account, current, now):
        return RuleViolation("领取已过期，请重新打开后再审核")
    return RuleViolation("申请人已重新提交，请刷新后再审核")


def _enter_archive(collection, now):
    post = (PostSection.select(PostSection, PersonalSection.email).join(
        PersonalSection, on=PersonalSection.collection == PostSection.collection)
        .where(PostSection.collection == collection.id).objects().first())
    started = post.work_started_on if post else None
    if collection.kind == "change" and post:
        _follow_change(collection.accountant_id, post, now)
    (Accountant.update(archive_state="archived", archived_at=now, unit=post.unit_id if post else None,
                       on_duty=bool(post and post.on_duty), email=post.email if post else "",
                       work_started_on=fn.COALESCE(Accountant.work_started_on, started))
     .where(Accountant.id == collection.accountant_id).execute())
    if started:  # the first period, unless the history has begun already: one INSERT … WHERE NOT EXISTS
        begun = WorkPeriod.select(SQL("1")).where(WorkPeriod.accountant == collection.accountant_id)
        first = Accountant.select(Accountant.id, Value(post.unit_id), Value(started), Value(bool(post.on_duty)),
                                  Value("declared")).where(Accountant.id == collection.accountant_id, ~fn.EXISTS(begun))
        WorkPeriod.insert_from(first, [WorkPeriod.accountant, WorkPeriod.unit, WorkPeriod.started_on,
                                       WorkPeriod.on_duty, WorkPeriod.source]).execute()


def _follow_change(accountant_id, post, now):
    """A 信息变更 that moves the person to another unit, or on or off duty, turns the work history there."""
    held = Accountant.get_by_id(accountant_id)
    if (held.unit_id, held.on_duty) != (post.unit_id, bool(post.on_duty)):
        work_history.new_period([accountant_id], clock.to_beijing(now).date(), "change", post.unit_id,
                                bool(post.on_duty))


def bulk_approve(ids, account, profile):
    """Approve the chosen collections that carry no flags; returns (approved, [(collection, why skipped)])."""
    approved, skipped = [], []
    chosen = Collection.select().where(Collection.id.in_(ids), Collection.authority == account.authority_id)
    for collection in chosen.order_by(Collection.submitted_at):
        if collection.flags:
            skipped.append((collection, "有自动检查标记，请逐件审核"))
            continue
        try:
            approve(claim(collection, account), account, profile)
            approved.append(collection)
        except RuleViolation as refusal:
            skipped.append((collection, str(refusal)))
    return approved, skipped


def screen(collection, profile):
    """After a submission: run the checks, keep the flags, and pass it without back-office review
    when the profile allows and nothing needs a person (002 §十 "系统直接审核通过")."""
    given = collections.answers(collection)
    flags = checks.flags(checks.run(collection, given, profile))
    Collection.update(flags=",".join(flags)).where(Collection.id == collection.id).execute()
    collection = Collection.get_by_id(collection.id)
    if not flags and profile.auto_pass == "legacy_unchanged" and matches_legacy(given):
        approve(collection, None, profile)
    return Collection.get_by_id(collection.id)


LEGACY_FIELDS = (("personal", "name", "name"), ("personal", "gender", "gender"),
                 ("personal", "birth_date", "birth_date"), ("post", "unit_uscc", "unit_uscc"),
                 ("full_time", "level", "education_level"), ("qualification", "level", "qualification_level"),
                 ("qualification", "certificate_no", "certificate_no"), ("post", "work_started_on", "work_started_on"))


def matches_legacy(given):
    """The person is in the old certificate database and nothing it holds was changed."""
    personal = given["personal"]
    record = LegacyRecord.get_or_none(LegacyRecord.id_type == personal.get("id_type"),
                                      LegacyRecord.id_number == personal.get("id_number"))
    if record is None:
        return False
    return all(given[section].get(field) == getattr(record, column)
               for section, field, column in LEGACY_FIELDS if getattr(record, column) not in (None, ""))


def submit(collection, account, profile):
    """Submit from the portal: the state change, then the screening."""
    return screen(collections.submit(collection, account, profile), profile)


def changes(collection):
    """What the reviewer compares, as ([(section, field, before, after)], [(slot, change)]), or None:
    - a 信息变更 against what the archive holds (the approved collection's last submission);
    - a resubmission against the submission last returned;
    - a first submission of someone in the old database against what that record held (its fields only)."""
    after = Submission.get_or_none(Submission.collection == collection, Submission.revision == collection.revision)
    if after is None:
        return None
    new = json.loads(after.answers)
    before = _baseline(collection)
    if before is not None:
        return None if before.id == after.id else _differences(json.loads(before.answers), new, before.files,
                                                               after.files)
    held = _legacy_answers(new.get("personal", {}))
    if not held:
        return None
    return [(section, field, value, new.get(section, {}).get(field, "")) for section, values in held.items()
            for field, value in values.items() if new.get(section, {}).get(field, "") != value], []


def _differences(old, new, old_files, new_files):
    fields = [(section, field, old.get(section, {}).get(field, ""), value)
              for section, values in new.items() for field, value in values.items()
              if old.get(section, {}).get(field, "") != value]
    fields += [(section, field, value, "") for section, values in old.items() for field, value in values.items()
               if value and field not in new.get(section, {})]
    old_files, new_files = json.loads(old_files), json.loads(new_files)
    files = [(slot, "新上传" if slot not in old_files else "已更换") for slot, sha in new_files.items()
             if old_files.get(slot) != sha]
    files += [(slot, "已删除") for slot in old_files if slot not in new_files]
    return fields, files


def _baseline(collection):
    if collection.kind == "change":
        archived = (Collection.select(Collection.id)
                    .where(Collection.accountant == collection.accountant_id, Collection.status == "approved",
                           Collection.id != collection.id).order_by(Collection.id.desc()).first())
        return (Submission.select().where(Submission.collection == archived).order_by(Submission.revision.desc())
                .first() if archived else None)
    returned = (ReviewEvent.select(ReviewEvent.revision)
                .where(ReviewEvent.collection == collection, ReviewEvent.kind == "return")
                .order_by(ReviewEvent.id.desc()).first())
    return Submission.get_or_none(Submission.collection == collection,
                                  Submission.revision == returned.revision) if returned else None


def _legacy_answers(personal):
    """What the old database held of the person, under the snapshot's section and field names."""
    record = LegacyRecord.get_or_none(LegacyRecord.id_type == personal.get("id_type"),
                                      LegacyRecord.id_number == personal.get("id_number"))
    held = {}
    for section, field, column in LEGACY_FIELDS if record else ():
        value = getattr(record, column)
        if value not in (None, ""):
            place = ("education", f"full_time_{field}") if section == "full_time" else (section, field)
            held.setdefault(place[0], {})[place[1]] = collections.snapshot_text(value)
    return held
