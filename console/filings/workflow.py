"""备案: a filing with its scan waits at a bureau, which confirms or returns it as it does collections, one
conditional UPDATE per decision. A confirmed unit head filing (单位会计机构负责人备案函, 002 §十二(三)) makes
its applicant the unit's head; the other kinds stand as filed."""

from console.collection import attachments
from console.errors import RuleViolation
from console.infra import audit, clock, messages, notifier, texts
from console.org.access import may_decide
from console.people import sessions
from models import Account, Filing, ReturnReason, ReviewEvent, db
from models.filing import FILING_KINDS, FILING_STATES


def file_with_scan(account, kind, checked, slot, **facts):
    """A filing of the applicant's, with its scan, waiting at the authority `facts` names."""
    person = account.accountant
    name = attachments.stored(checked)
    now = clock.now()
    with db.atomic():
        filing = Filing.create(
            kind=kind,
            accountant=person,
            id_type=person.id_type,
            id_number=person.id_number,
            name=person.name,
            submitted_at=now,
            **facts,
        )
        attachments.record(name, checked, slot, account, filing=filing)
        ReviewEvent.create(filing=filing, kind="submit", actor=account, at=now)
        audit.record("filing.submit", filing, {"类别": FILING_KINDS.label(kind)}, actor=account)
    return filing


def approve(filing, account, profile):
    with db.atomic():
        _decide(filing, account, "approved", "approve")
        if filing.kind == "unit_head":
            _become_head(filing, account)
        audit.record("filing.approve", filing, {"类别": FILING_KINDS.label(filing.kind)}, actor=account)
        _tell(filing, profile, "已确认")


def return_filing(filing, account, profile, reasons):
    if not reasons:
        raise RuleViolation("请填写退回原因", "note")
    for reason in reasons:
        texts.reason(reason.text, "note", "退回原因")
    with db.atomic():
        event = _decide(filing, account, "returned", "return")
        ReturnReason.insert_many(
            [{"event": event, "section": r.section, "target": r.target, "text": r.text} for r in reasons]
        ).execute()
        audit.record("filing.return", filing, {"退回原因": [r.text for r in reasons]}, actor=account)
        _tell(filing, profile, "已退回，请登录系统查看原因")


def _decide(filing, account, status, kind):
    if not may_decide(account, filing):
        raise RuleViolation("该备案不属于本机构审核")
    now = clock.now()
    decided = (
        Filing.update(status=status, decided_at=now, decided_by=account)
        .where(Filing.id == filing.id, Filing.status == "submitted")
        .execute()
    )
    if not decided:
        current = Filing.get_by_id(filing.id)
        raise RuleViolation(f"该备案已由{current.decided_by}处理：{FILING_STATES.label(current.status)}")
    return ReviewEvent.create(filing=filing, kind=kind, actor=account, at=now)


def _tell(filing, profile, outcome):
    notifier.send_sms(
        filing.accountant.phone,
        messages.sms(profile, "filing_decided", filing=FILING_KINDS.label(filing.kind), outcome=outcome),
    )


def _become_head(filing, account):
    """One head per unit: the confirmed applicant replaces whoever headed it (an accountant goes back to
    being one; an account made only for the unit is switched off)."""
    replaced = list(Account.select().where(Account.role == "unit_head", Account.unit == filing.unit_id))
    for old in replaced:
        if old.accountant_id:
            old.role, old.unit = "accountant", None
        else:
            old.is_enabled = False
        old.save()
        sessions.end_all(old, "单位会计机构负责人变更")  # the role a session was opened for is gone
    (
        Filing.update(ended_at=clock.now())
        .where(
            Filing.kind == "unit_head",
            Filing.unit == filing.unit_id,
            Filing.status == "approved",
            Filing.id != filing.id,
            Filing.ended_at.is_null(),
        )
        .execute()
    )
    Account.update(role="unit_head", unit=filing.unit_id).where(Account.accountant == filing.accountant_id).execute()
    audit.record(
        "unit_head.replace",
        filing.unit,
        {"新负责人": filing.name, "原负责人": [a.accountant.name if a.accountant_id else str(a) for a in replaced]},
        actor=account,
    )
