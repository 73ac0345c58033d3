"""Decisions on a submitted collection: approve, return with reasons, and bulk approval.

Every decision is one conditional UPDATE … WHERE status = 'submitted' AND revision = … AND the
decider holds the claim, so of two reviewers deciding at once exactly one succeeds; the other is
told who decided. A null actor is the system (自动审核通过)."""

import json
from dataclasses import dataclass
from datetime import timedelta

from peewee import JOIN

from console.archive import registry
from console.errors import RuleViolation
from console.infra import audit, clock, messages, notifier, texts
from console.org import access, authorities
from console.review import reasons
from console.review.claims import CLAIM_MINUTES, claim, refusal
from models import Account, Collection, ReasonTemplate, ReturnReason, ReviewEvent, db

GENERAL = "general"  # a reason about the whole collection, not one section


UNDO_WINDOW = timedelta(seconds=10)  # how long a reviewer's approval may be withdrawn (and its SMS waits)


def approve(collection, account, profile, undoable=False):
    """审核通过: the accountant enters the archive, the work history starts, the applicant gets an SMS. An
    undoable approval keeps what it changed and holds the SMS for UNDO_WINDOW, until undo_approval or then."""
    now = clock.now()
    with db.atomic():
        _decide(collection, account, "approved", now)
        before = registry.enter_archive(collection, now)
        audit.record(
            "collection.approve" if account else "collection.auto_pass",
            collection,
            {"第几次提交": collection.revision},
            actor=account,
            system=account is None,
        )
        sms = notifier.send_sms(
            collection.accountant.phone,
            messages.sms(profile, "collection_approved"),
            hold=UNDO_WINDOW if undoable else None,
        )
        return ReviewEvent.create(
            collection=collection,
            kind="approve" if account else "auto_pass",
            actor=account,
            revision=collection.revision,
            at=now,
            undo=json.dumps({**before, "sms": sms.id}, default=str) if undoable else None,
        )


def undo_approval(collection, account):
    """撤销审核通过: within UNDO_WINDOW of the reviewer's own approval, and before any later decision of theirs,
    the collection waits again, claimed by them; the archive is as it was and the SMS never leaves."""
    now = clock.now()
    approval = (
        ReviewEvent.select()
        .where(ReviewEvent.actor == account, ReviewEvent.kind.in_(("approve", "return", "undo")))
        .order_by(ReviewEvent.at.desc(), ReviewEvent.id.desc())
        .first()
    )
    if approval is None or approval.collection_id != collection.id or approval.kind != "approve" or not approval.undo:
        raise RuleViolation("只能撤销本人刚刚作出的审核通过")
    if now - approval.at > UNDO_WINDOW:
        raise RuleViolation(f"审核通过已超过 {UNDO_WINDOW.seconds} 秒，不能撤销")
    before = json.loads(approval.undo)
    with db.atomic():
        reopened = (
            Collection.update(
                status="submitted",
                decided_at=None,
                decided_by=None,
                claimed_by=account,
                claimed_until=now + timedelta(minutes=CLAIM_MINUTES),
                updated_at=now,
            )
            .where(
                Collection.id == collection.id,
                Collection.status == "approved",
                Collection.revision == approval.revision,
            )
            .execute()
        )
        if not reopened or not notifier.cancel(before["sms"]):
            raise RuleViolation("该信息采集已有新的变化，不能撤销")
        registry.leave_archive(collection.accountant_id, before)
        authorities.figures_changed(collection.authority_id)
        ReviewEvent.create(collection=collection, kind="undo", actor=account, revision=approval.revision, at=now)
        audit.record("collection.undo", collection, {"第几次提交": approval.revision}, actor=account)


@dataclass(frozen=True)
class Reason:
    section: str
    target: str
    text: str
    template_id: int | None = None


def reasons_from(template_ids, free_text, free_section=GENERAL, marks=(), profile=None):
    """The reasons a reviewer picked: active templates, free text about a section or the whole collection, and
    marks — text typed at one field or scan ("section|target|text", as the review page sends them)."""
    ids = [int(i) for i in template_ids or () if str(i).isdigit()]
    templates = list(ReasonTemplate.select().where(ReasonTemplate.id.in_(ids), ReasonTemplate.is_active)) if ids else []
    if len(templates) != len(set(ids)):
        raise RuleViolation("所选退回原因已停用或不存在，请刷新后重新选择", "templates")
    picked = [Reason(t.section, t.target, t.text, t.id) for t in sorted(templates, key=lambda t: t.sort_order)]
    for mark in marks or ():
        section, _, rest = str(mark).partition("|")
        target, _, text = rest.partition("|")
        refusal = reasons.check_target(section, target, profile)
        if refusal:
            raise RuleViolation(refusal, "templates")
        picked.append(Reason(section, target, _reason_text(text)))
    text = (free_text or "").strip()
    if text:
        picked.append(Reason(free_section or GENERAL, "", _reason_text(text)))
    if not picked:
        raise RuleViolation("请至少选择或填写一条退回原因", "templates")
    return picked


def _reason_text(text):
    text = text.strip()
    if not text:
        raise RuleViolation("标记的退回原因不能为空", "note")
    if len(text) > texts.MAX_REASON_LENGTH:
        raise RuleViolation(f"补充说明不能超过 {texts.MAX_REASON_LENGTH} 字", "note")
    return text


def return_collection(collection, account, profile, reasons):
    """已退回, with reasons the portal shows at their fields; the applicant gets an SMS."""
    if not reasons:
        raise RuleViolation("请至少选择或填写一条退回原因", "templates")
    now = clock.now()
    with db.atomic():
        _decide(collection, account, "returned", now)
        event = ReviewEvent.create(
            collection=collection, kind="return", actor=account, revision=collection.revision, at=now
        )
        ReturnReason.insert_many(
            [
                {"event": event, "template": r.template_id, "section": r.section, "target": r.target, "text": r.text}
                for r in reasons
            ]
        ).execute()
        audit.record("collection.return", collection, {"退回原因": [r.text for r in reasons]}, actor=account)
        notifier.send_sms(
            collection.accountant.phone,
            messages.sms(profile, "collection_returned"),
        )
    return event


def _decide(collection, account, status, now):
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
    authorities.figures_changed(collection.authority_id)


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
