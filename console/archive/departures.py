"""自然减员 (002 §十二(三)): the bureau that manages a person records that they retired, died or left the
profession. They leave the archive (departed) and their duty that day, their open work period ends there, and
the yearly rules, which read the archive only, pass them by. The same bureau undoes it, with a reason: the
person is back in the archive as they were, the period open again."""

from console.archive import work_history
from console.errors import RuleViolation
from console.infra import audit, clock, messages, notifier, texts
from console.org.access import may_decide
from models import Accountant, Departure, WorkPeriod, db
from models.departure import DEPARTURE_KINDS

NOT_TOLD = {"deceased"}  # no SMS "you have died" to a phone the family may hold
NOT_OURS = "该人员不属于本机构管理"


def depart(accountant, kind, day, reason, account, profile, today):
    """Record the departure; the person is told by SMS, unless they died."""
    if not may_decide(account, accountant):
        raise RuleViolation(NOT_OURS)
    if accountant.archive_state != "archived":
        raise RuleViolation("只有在库人员可以登记自然减员")
    if kind not in DEPARTURE_KINDS.values():
        raise RuleViolation("请选择减员类型：退休、死亡或离开会计行业", "kind")
    current = work_history.check_end(accountant, day, "减员日期", "departed_on", today)
    reason = texts.reason(reason, "reason", "减员原因")
    with db.atomic():
        left = (
            Accountant.update(archive_state="departed", on_duty=False)
            .where(Accountant.id == accountant.id, Accountant.archive_state == "archived")
            .execute()
        )
        if not left:
            raise RuleViolation("只有在库人员可以登记自然减员")
        work_history.close([accountant.id], day)
        departure = Departure.create(
            accountant=accountant,
            kind=kind,
            departed_on=day,
            reason=reason,
            was_on_duty=accountant.on_duty,
            closed_period=current,
            recorded_by=account,
            recorded_at=clock.now(),
        )
        label = DEPARTURE_KINDS.label(kind)
        audit.record(
            "accountant.depart",
            accountant,
            {"姓名": accountant.name, "类型": label, "减员日期": day, "原因": reason},
            actor=account,
        )
        if kind not in NOT_TOLD:
            notifier.send_sms(accountant.phone, messages.sms(profile, "departed", kind=label))
    return departure


def standing(accountant):
    """The person's departure in force (the latest not undone), or None."""
    return (
        Departure.select()
        .where(Departure.accountant == accountant, Departure.undone_at.is_null())
        .order_by(Departure.id.desc())
        .first()
    )


def undo(accountant, reason, account, profile):
    """撤销: back in the archive, on duty again if they were, the period the departure ended open again."""
    if not may_decide(account, accountant):
        raise RuleViolation(NOT_OURS)
    departure = standing(accountant)
    if departure is None or accountant.archive_state != "departed":
        raise RuleViolation("该人员没有可撤销的自然减员登记")
    reason = texts.reason(reason, "reason", "撤销原因")
    with db.atomic():
        undone = (
            Departure.update(undone_at=clock.now(), undone_by=account, undo_reason=reason)
            .where(Departure.id == departure.id, Departure.undone_at.is_null())
            .execute()
        )
        back = (
            Accountant.update(archive_state="archived", on_duty=departure.was_on_duty)
            .where(Accountant.id == accountant.id, Accountant.archive_state == "departed")
            .execute()
        )
        if not (undone and back):
            raise RuleViolation("该人员没有可撤销的自然减员登记")  # undone a moment ago
        if departure.closed_period_id:
            WorkPeriod.update(ended_on=None).where(
                WorkPeriod.id == departure.closed_period_id, WorkPeriod.ended_on == departure.departed_on
            ).execute()
        audit.record(
            "accountant.depart_undo",
            accountant,
            {"姓名": accountant.name, "类型": DEPARTURE_KINDS.label(departure.kind), "原因": reason},
            actor=account,
        )
        notifier.send_sms(accountant.phone, messages.sms(profile, "departure_undone"))
    return departure
