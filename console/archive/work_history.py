"""会计工作履历: periods open while they go on; leaving duty closes one and opens a not-on-duty one."""

from peewee import Value

from console.errors import RuleViolation
from console.infra import audit
from console.org.access import heads
from models import Accountant, WorkPeriod, db


def end_duty(people, day, source):
    """Not on duty from `day` for `people` (a query of accountant ids, or a list of them)."""
    Accountant.update(on_duty=False).where(Accountant.id.in_(people)).execute()
    new_period(people, day, source, unit=None, on_duty=False)


def open_periods(accountant_id):
    """The ids of the person's periods still open."""
    query = WorkPeriod.select(WorkPeriod.id).where(
        WorkPeriod.accountant == accountant_id, WorkPeriod.ended_on.is_null()
    )
    return [p.id for p in query]


def new_period(people, day, source, unit, on_duty):
    """The open periods of `people` end on `day`, and a new one begins there."""
    WorkPeriod.update(ended_on=day).where(WorkPeriod.accountant.in_(people), WorkPeriod.ended_on.is_null()).execute()
    begun = Accountant.select(Accountant.id, Value(unit), Value(day), Value(on_duty), Value(source)).where(
        Accountant.id.in_(people)
    )
    WorkPeriod.insert_from(
        begun, [WorkPeriod.accountant, WorkPeriod.unit, WorkPeriod.started_on, WorkPeriod.on_duty, WorkPeriod.source]
    ).execute()


def accounting_work_years(periods, today):
    """Years of accounting work: the on-duty periods only, an open one counted up to today."""
    days = sum(((p.ended_on or today) - p.started_on).days for p in periods if p.on_duty)
    return round(days / 365.25, 1)


def report_departure(accountant, day, account, today):
    """离岗: the unit's head reports that someone left on `day`; from then on they are not on duty."""
    if not heads(account, accountant):
        raise RuleViolation("只能为本单位的会计人员报告离岗")
    if not accountant.on_duty:
        raise RuleViolation(f"{accountant.name} 已不在岗", "day")
    if day is None or day > today:
        raise RuleViolation("请填写离岗日期，且不能晚于今天", "day")
    current = (
        WorkPeriod.select()
        .where(WorkPeriod.accountant == accountant, WorkPeriod.ended_on.is_null())
        .order_by(WorkPeriod.started_on.desc())
        .first()
    )
    if current and day < current.started_on:
        raise RuleViolation(f"离岗日期不能早于本段工作的开始日期 {current.started_on:%Y-%m-%d}", "day")
    with db.atomic():
        end_duty([accountant.id], day, "departure")
        audit.record("accountant.departure", accountant, {"姓名": accountant.name, "离岗日期": day}, actor=account)
