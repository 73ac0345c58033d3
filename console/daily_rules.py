"""The daily management rules that keep the archive true (DOMAIN.md "Daily management", 002 §十二),
as plain functions of one person's facts; the yearly job applies them to everyone.

- Annual appraisal: an on-duty accountant with no appraisal for two consecutive years becomes not on
  duty in the third. A year counts as missed when the person was on duty at its end and has no
  appraisal for it.
- Continuing education: each year from the one after qualification or the start of accounting work
  (whichever came first) needs the profile's credits, a share of them professional (财会〔2018〕10号:
  90, at least 2/3); 3 consecutive or 4 cumulative years not completed move the person to 异动."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

CONSECUTIVE_LIMIT = 3
CUMULATIVE_LIMIT = 4


def misses_appraisals(on_duty_since, appraised_years, year):
    """Whether, applying the rules for `year`, the two years before it both went unappraised."""
    if on_duty_since is None or on_duty_since > date(year - 2, 12, 31):
        return False
    return not {year - 2, year - 1} & set(appraised_years)


@dataclass(frozen=True)
class CreditRequirement:
    credits: Decimal
    professional_share: Fraction

    @classmethod
    def from_profile(cls, spec):
        return cls(Decimal(str(spec["credits"])), Fraction(spec["professional_share"]))

    def met(self, credits, professional):
        return credits >= self.credits and Fraction(professional) >= self.professional_share * Fraction(self.credits)


def first_required_year(qualified_on, work_started_on):
    """The year after qualification or after starting accounting work, whichever came first."""
    starts = [d for d in (qualified_on, work_started_on) if d is not None]
    return min(starts).year + 1 if starts else None


def missed_years(first_year, completed_years, through_year):
    """The years from first_year up to through_year whose requirement was not completed."""
    if first_year is None:
        return []
    return [y for y in range(first_year, through_year + 1) if y not in set(completed_years)]


def moves_to_abnormal(missed):
    """3 consecutive or 4 cumulative years not completed."""
    run = longest = 0
    previous = None
    for year in sorted(missed):
        run = run + 1 if previous == year - 1 else 1
        longest, previous = max(longest, run), year
    return longest >= CONSECUTIVE_LIMIT or len(missed) >= CUMULATIVE_LIMIT


def accounting_work_years(periods, today):
    """Years of accounting work: the on-duty periods only, an open one counted up to today."""
    days = sum(((p.ended_on or today) - p.started_on).days for p in periods if p.on_duty)
    return round(days / 365.25, 1)
