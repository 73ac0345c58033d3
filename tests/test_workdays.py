"""Waiting time in working days, with holidays and make-up days."""

from datetime import date, datetime

from console.infra import clock, workdays


def test_a_weekend_does_not_count_but_a_make_up_saturday_does():
    friday_evening = datetime(2026, 11, 20, 12)  # 20:00 in Beijing
    assert workdays.waiting(friday_evening, today=date(2026, 11, 23)) == 1
    # 2026-10-01..07 are the National Day holidays; Saturday 2026-10-10 is a make-up working day
    assert workdays.working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3  # 8th, 9th, 10th


def test_a_year_the_calendar_does_not_know_counts_monday_to_friday():
    assert workdays.working_days_between(date(2027, 3, 5), date(2027, 3, 12)) == 5


def test_overdue_means_more_than_five_working_days():
    today = date(2026, 11, 23)  # a Monday
    cutoff = workdays.overdue_before(today)
    assert cutoff == clock.beijing_midnight(date(2026, 11, 16))  # submitted by Sunday: 16th-20th and 23rd
    assert workdays.waiting(cutoff, today) == 5
    assert workdays.waiting(datetime(2026, 11, 15, 15), today) == 6
