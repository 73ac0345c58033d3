"""会计工作履历: periods open while they go on; leaving duty closes one and opens a not-on-duty one."""
from peewee import Value

from models import Accountant, WorkPeriod


def end_duty(people, day, source):
    """Not on duty from `day` for `people` (a query of accountant ids, or a list of them)."""
    Accountant.update(on_duty=False).where(Accountant.id.in_(people)).execute()
    WorkPeriod.update(ended_on=day).where(WorkPeriod.accountant.in_(people), WorkPeriod.ended_on.is_null()).execute()
    begun = Accountant.select(Accountant.id, Value(day), Value(False), Value(source)).where(Accountant.id.in_(people))
    WorkPeriod.insert_from(begun, [WorkPeriod.accountant, WorkPeriod.started_on, WorkPeriod.on_duty,
                                   WorkPeriod.source]).execute()


def accounting_work_years(periods, today):
    """Years of accounting work: the on-duty periods only, an open one counted up to today."""
    days = sum(((p.ended_on or today) - p.started_on).days for p in periods if p.on_duty)
    return round(days / 365.25, 1)
