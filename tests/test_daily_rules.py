"""The daily management rules at their edges."""
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from console import daily_rules
from console.daily_rules import CreditRequirement
from console.profiles import load_profile

REQUIREMENT = CreditRequirement.from_profile(load_profile("neimenggu").continuing_education)


def test_exactly_two_unappraised_years_end_the_duty_in_the_third():
    since = date(2020, 3, 1)
    assert daily_rules.misses_appraisals(since, {2022}, 2025)  # 2023 and 2024 both missed
    assert not daily_rules.misses_appraisals(since, {2023}, 2025)  # one missed year is not two
    assert not daily_rules.misses_appraisals(since, {2024}, 2025)


def test_years_before_the_duty_began_are_not_missed():
    assert not daily_rules.misses_appraisals(date(2024, 1, 2), set(), 2025)  # on duty only at the end of 2024
    assert daily_rules.misses_appraisals(date(2023, 12, 31), set(), 2025)  # on duty at the end of both years
    assert not daily_rules.misses_appraisals(None, set(), 2025)  # not on duty


def test_a_year_needs_the_credits_and_two_thirds_professional():
    assert REQUIREMENT.met(Decimal("90"), Decimal("60"))
    assert not REQUIREMENT.met(Decimal("90"), Decimal("59.9"))
    assert not REQUIREMENT.met(Decimal("89.5"), Decimal("89.5"))


def test_the_requirement_starts_the_year_after_qualification_even_mid_year():
    assert daily_rules.first_required_year(date(2023, 6, 15), None) == 2024
    assert daily_rules.first_required_year(date(2023, 6, 15), date(2021, 9, 1)) == 2022  # work came first
    assert daily_rules.first_required_year(None, None) is None


def test_three_consecutive_or_four_cumulative_missed_years_move_to_abnormal():
    assert daily_rules.moves_to_abnormal([2021, 2022, 2023])
    assert not daily_rules.moves_to_abnormal([2021, 2022, 2024])
    assert daily_rules.moves_to_abnormal([2018, 2020, 2022, 2024])
    assert not daily_rules.moves_to_abnormal([2018, 2020, 2022])
    assert daily_rules.missed_years(2022, {2023}, 2025) == [2022, 2024, 2025]


def test_work_years_count_on_duty_periods_only():
    periods = [SimpleNamespace(started_on=date(2015, 1, 1), ended_on=date(2017, 1, 1), on_duty=True),
               SimpleNamespace(started_on=date(2017, 1, 1), ended_on=date(2019, 1, 1), on_duty=False),
               SimpleNamespace(started_on=date(2019, 1, 1), ended_on=None, on_duty=True)]
    assert daily_rules.accounting_work_years(periods, date(2021, 1, 1)) == 4.0
