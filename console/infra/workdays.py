"""Working days in Beijing, with the State Council's holidays and make-up days (chinesecalendar).

A review waits in working days: submitted on a Friday evening and read on Monday is one day.
Years the calendar does not know yet count Monday to Friday."""

import threading
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

from console.infra import clock

OVERDUE_AFTER = 5  # 3-5 working days is the target turnaround (000 §10)


def is_workday(day):
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


EPOCH = date(2004, 1, 1)  # the calendar's first year
_before = [0]  # _before[n]: working days from EPOCH up to, not including, EPOCH + n days
_growing = threading.Lock()


def _working_days_before(day):
    n = max((day - EPOCH).days, 0)
    if n >= len(_before):
        with _growing:
            while len(_before) <= n:
                _before.append(_before[-1] + is_workday(EPOCH + timedelta(days=len(_before) - 1)))
    return _before[n]


def working_days_between(start, end):
    """Working days after start, up to and including end: two lookups in a running count."""
    one = timedelta(days=1)
    return _working_days_before(end + one) - _working_days_before(start + one)


def waiting(submitted_at, today=None):
    """Working days a submission (stored UTC) has waited by today (a Beijing date)."""
    return working_days_between(clock.to_beijing(submitted_at).date(), today or clock.today())


@lru_cache(maxsize=64)
def overdue_before(today, days=OVERDUE_AFTER):
    """The UTC moment before which a submission has waited more than `days` working days by `today`."""
    day, counted = today, 0
    while counted <= days:  # walk back to the (days + 1)-th working day up to today
        counted += is_workday(day)
        day -= timedelta(days=1)
    return clock.beijing_midnight(day + timedelta(days=1))
