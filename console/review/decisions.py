"""Decisions on a submitted collection: approve, return with reasons, and bulk approval.

Every decision is one conditional UPDATE … WHERE status = 'submitted' AND revision = … AND the
decider holds the claim, so of two reviewers deciding at once exactly one succeeds; the other is
told who decided. A null actor is the system (自动审核通过)."""

from dataclasses import dataclass

from peewee import JOIN

from console.archive import registry
from console.errors import RuleViolation
from console.infra import audit, clock, notifier, texts
from console.org import access
from console.review.claims import claim, refusal
from models import Account, Collection, ReasonTemplate, ReturnReason, ReviewEvent, db

GENERAL = "general"  # a reason about the whole collection, not one section


def approve(collection, account, profile):
    """审核通过: the accountant enters the archive, the work history starts, the applicant gets an SMS."""
    now = clock.now()
    with db.atomic():
        event = _decide(collection, account, "approved", "approve" if account else "auto_pass", now)
        registry.enter_archive(collection, now)
        audit.record(
            "collection.approve" if account else "collection.auto_pass",
            collection,
            {"第几次提交": collection.revision},
            actor=account,
            system=account is None,
        )
        notifier.send_sms(
            collection.accountant.phone, f"【{profile.system_name}】您提交的会计人员信息采集已审核通过，信息已入库。"
        )
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
    if len(text) > texts.MAX_REASON_LENGTH:
        raise RuleViolation(f"补充说明不能超过 {texts.MAX_REASON_LENGTH} 字", "note")
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
        ReturnReason.insert_many(
            [
                {"event": event, "template": r.template_id, "section": r.section, "target": r.target, "text": r.text}
                for r in reasons
            ]
        ).execute()
        audit.record("collection.return", collection, {"退回原因": [r.text for r in reasons]}, actor=account)
        notifier.send_sms(
            collection.accountant.phone,
            f"【{profile.system_name}】您提交的会计人员信息采集已退回，请登录系统查看退回原因，修改后重新提交。",
        )
    return event


def _decide(collection, account, status, kind, now):
    where = [
        Collection.id == collection.id,
        Collection.status == "submitted",
        Collection.revision == collection.revision,
    ]
    if account is not None:
        where.append((Collection.claimed_by == account.id) & (Collection.claimed_until >= now))
    decided = (
        Collection.update(
            status=status, decided_at=now, decided_by=account, claimed_by=None, claimed_until=None, updated_at=now
        )
        .where(*where)
        .execute()
    )
    if not decided:
        raise refusal(collection.id, account, now)
    return ReviewEvent.create(collection=collection, kind=kind, actor=account, revision=collection.revision, at=now)


def bulk_approve(ids, account, profile):
    """Approve the chosen collections that carry no flags; returns (approved, [(collection, why skipped)])."""
    approved, skipped = [], []
    chosen = Collection.select().where(Collection.id.in_(ids), access.decidable(account, Collection))
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


def history(*where, hidden=()):
    """A collection's or filing's events, newest first, with who acted, and each return's reasons by event
    id: (events, {event id: [ReturnReason]}), in two queries. `hidden` are kinds not shown."""
    events = list(
        ReviewEvent.select(ReviewEvent, Account)
        .join(Account, JOIN.LEFT_OUTER)
        .where(*where, ReviewEvent.kind.not_in(hidden or ("",)))
        .order_by(ReviewEvent.id.desc())
    )
    reasons = {}
    for reason in ReturnReason.select().where(ReturnReason.event.in_([e.id for e in events])):
        reasons.setdefault(reason.event_id, []).append(reason)
    return events, reasons
