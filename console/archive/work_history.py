"""会计工作履历: periods open while they go on; leaving duty closes one and opens a not-on-duty one; leaving the
archive (自然减员, console.archive.departures) closes it."""

from datetime import date

from peewee import Value

from console.errors import RuleViolation
from console.infra import audit
from console.org.access import heads
from models import Accountant, Collection, Education, WorkPeriod, db


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


def close(people, day):
    """The open periods of `people` end on `day`."""
    WorkPeriod.update(ended_on=day).where(WorkPeriod.accountant.in_(people), WorkPeriod.ended_on.is_null()).execute()


def new_period(people, day, source, unit, on_duty):
    """The open periods of `people` end on `day`, and a new one begins there."""
    close(people, day)
    begun = Accountant.select(Accountant.id, Value(unit), Value(day), Value(on_duty), Value(source)).where(
        Accountant.id.in_(people)
    )
    WorkPeriod.insert_from(
        begun, [WorkPeriod.accountant, WorkPeriod.unit, WorkPeriod.started_on, WorkPeriod.on_duty, WorkPeriod.source]
    ).execute()


def accounting_work_years(periods, today, studies_ended=None):
    """Years of accounting work: the on-duty periods only, an open one counted up to today, and none of their
    time before `studies_ended` (studies_end): 在校生利用业余时间勤工助学不视为正式从事会计工作 (002 §十二(一))."""
    floor = studies_ended or date.min
    days = sum(max(0, ((p.ended_on or today) - max(p.started_on, floor)).days) for p in periods if p.on_duty)
    return round(days / 365.25, 1)


def studies_end(people):
    """{person: the day their full-time study ends}, as their latest approved collection declares it: the
    full-time education's graduation, or, for a student who gives none, never (date.max). Work before it is
    part-time work of a full-time student (勤工助学), which no year counts; 内蒙古 refuses a declared start of
    accounting work before it at collection (002 §七). Someone without a full-time graduation date is absent."""
    query = (
        Education.select(Collection.accountant, Education.graduated_on, Education.in_school)
        .join(Collection)
        .where(Collection.accountant.in_(people), Collection.status == "approved", Education.mode == "full_time")
        .order_by(Collection.id)
        .tuples()
    )
    ended = {}
    for person, graduated, in_school in query:  # the latest approved collection's, read last
        ended[person] = study_end(graduated, in_school)
    return {person: day for person, day in ended.items() if day}


def study_end(graduated_on, in_school):
    """The day full-time study ends: the graduation; for a student who gives none, never; else unknown (None)."""
    return graduated_on or (date.max if in_school else None)


def report_departure(accountant, day, account, today):
    """离岗: the unit's head reports that someone left on `day`; from then on they are not on duty."""
    if not heads(account, accountant):
        raise RuleViolation("只能为本单位的会计人员报告离岗")
    if not accountant.on_duty:
        raise RuleViolation(f"{accountant.name} 已不在岗", "day")
    check_end(accountant, day, "离岗日期", "day", today)
    with db.atomic():
        end_duty([accountant.id], day, "departure")
        audit.record("accountant.departure", accountant, {"姓名": accountant.name, "离岗日期": day}, actor=account)


def current_period(accountant):
    """The person's open work period (the latest, were there more), or None."""
    return (
        WorkPeriod.select()
        .where(WorkPeriod.accountant == accountant, WorkPeriod.ended_on.is_null())
        .order_by(WorkPeriod.started_on.desc())
        .first()
    )


def check_end(accountant, day, what, field, today):
    """A day the person's work ends (a departure, 自然减员): given, not after today, not before the current period
    began. Returns that period."""
    if day is None or day > today:
        raise RuleViolation(f"请填写{what}，且不能晚于今天", field)
    current = current_period(accountant)
    if current and day < current.started_on:
        raise RuleViolation(f"{what}不能早于本段工作的开始日期 {current.started_on:%Y-%m-%d}", field)
    return current
