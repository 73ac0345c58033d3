"""The daily management rules that keep the archive true (DOMAIN.md "Daily management", 002 §十二),
as plain functions of one person's facts; the yearly job applies them to everyone.

- Annual appraisal: an on-duty accountant with no appraisal for two consecutive years becomes not on
  duty in the third. A year counts as missed when the person was on duty at its end and has no
  appraisal for it.
- Continuing education: each year from the one after qualification or the start of accounting work
  (whichever came first) needs the profile's credits, a share of them professional (财会〔2018〕10号:
  90, at least 2/3); 3 consecutive or 4 cumulative years not completed move the person to 异动."""
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from peewee import fn

from console import audit, clock
from models import (
    Accountant,
    Appraisal,
    Collection,
    EducationCredit,
    QualificationSection,
    RuleRun,
    WorkPeriod,
    db,
)

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


def apply_rules(year, profile, dry_run=False, actor=None):
    """Apply the appraisal and continuing-education rules for `year` to the whole archive; idempotent:
    whoever they moved is no longer on duty, or no longer in the archive, the next time. Returns the RuleRun."""
    started = clock.now()
    report = _duty_changes(year) + _abnormal_changes(year, CreditRequirement.from_profile(profile.continuing_education))
    with db.atomic():
        if not dry_run:
            _end_duty([r["accountant"] for r in report if r["rule"] == "appraisal"], year)
            moved = [r["accountant"] for r in report if r["rule"] == "continuing_education"]
            for chunk in _chunks(moved):
                Accountant.update(archive_state="abnormal").where(Accountant.id.in_(chunk)).execute()
        run = RuleRun.create(year=year, dry_run=dry_run, started_at=started, finished_at=clock.now(),
                             started_by=actor, report=json.dumps(report, ensure_ascii=False))
        audit.record("rules.apply", run, {"年度": year, "试运行": dry_run, "转为不在岗": _count(report, "appraisal"),
                                          "转入异动库": _count(report, "continuing_education")},
                     actor=actor, system=actor is None)
    return run


def _duty_changes(year):
    appraised = {}
    for person, appraised_in in (Appraisal.select(Appraisal.accountant, Appraisal.year)
                                 .where(Appraisal.year.in_((year - 2, year - 1))).tuples()):
        appraised.setdefault(person, set()).add(appraised_in)
    on_duty = (WorkPeriod.select(WorkPeriod.accountant, fn.MIN(WorkPeriod.started_on))
               .join(Accountant, on=WorkPeriod.accountant == Accountant.id)
               .where(WorkPeriod.ended_on.is_null(), WorkPeriod.on_duty, Accountant.on_duty,
                      Accountant.archive_state == "archived")
               .group_by(WorkPeriod.accountant).tuples())
    return [{"accountant": person, "rule": "appraisal", "why": f"{year - 2}、{year - 1} 年度均无年度考评，转为不在岗"}
            for person, since in on_duty if misses_appraisals(since, appraised.get(person, ()), year)]


def _abnormal_changes(year, requirement):
    completed = {}
    for person, credit_year, credits, professional in (
            EducationCredit.select(EducationCredit.accountant, EducationCredit.year, fn.SUM(EducationCredit.credits),
                                   fn.SUM(EducationCredit.professional_credits))
            .where(EducationCredit.year < year).group_by(EducationCredit.accountant, EducationCredit.year).tuples()):
        if requirement.met(Decimal(str(credits)), Decimal(str(professional))):
            completed.setdefault(person, set()).add(credit_year)
    qualified = (QualificationSection.select(fn.MIN(QualificationSection.acquired_on))
                 .join(Collection, on=QualificationSection.collection == Collection.id)
                 .where(Collection.accountant == Accountant.id, Collection.status == "approved"))
    people = (Accountant.select(Accountant.id, Accountant.work_started_on, qualified.alias("qualified_on"))
              .where(Accountant.archive_state == "archived").tuples())
    changes = []
    for person, work_started_on, qualified_on in people:
        missed = missed_years(first_required_year(_day(qualified_on), work_started_on),
                              completed.get(person, ()), year - 1)
        if moves_to_abnormal(missed):
            changes.append({"accountant": person, "rule": "continuing_education",
                            "why": f"继续教育未完成年度：{'、'.join(map(str, missed))}，转入异动库"})
    return changes


def _end_duty(people, year):
    """Not on duty from 1 January: the open period ends, a not-on-duty one begins."""
    new_year = date(year, 1, 1)
    for chunk in _chunks(people):
        Accountant.update(on_duty=False).where(Accountant.id.in_(chunk)).execute()
        (WorkPeriod.update(ended_on=new_year)
         .where(WorkPeriod.accountant.in_(chunk), WorkPeriod.ended_on.is_null()).execute())
        WorkPeriod.insert_many([{"accountant": p, "started_on": new_year, "on_duty": False, "source": "rule"}
                                for p in chunk]).execute()


def _day(value):
    """A date, whether the database returned one or its ISO text (SQLite's MIN of a date column)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _count(report, rule):
    return sum(1 for r in report if r["rule"] == rule)


def _chunks(items, size=500):
    for start in range(0, len(items), size):
        yield items[start:start + size]
