"""The daily management rules that keep the archive true (docs/domain.md "The archive and daily management", 002 §十二);
the yearly job applies them to everyone.

- Annual appraisal: an on-duty accountant with no appraisal for two consecutive years becomes not on
  duty in the third. A year counts as missed when the person was on duty at its end and has no
  appraisal for it.
- Continuing education: each year from the one after qualification or the start of accounting work
  (whichever came first) needs the profile's credits, a share of them professional (财会〔2018〕10号:
  90, at least 2/3); 3 consecutive or 4 cumulative years not completed move the person to 异动.
  Years before the profile's `since` are not checked: the credit bank holds nothing older."""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from peewee import SQL, Value, fn

from console.archive import work_history
from console.errors import RuleViolation
from console.infra import audit, clock, jobs, messages, notifier
from console.infra.batches import chunks
from models import (
    Accountant,
    Appraisal,
    Collection,
    EducationCredit,
    QualificationSection,
    RuleChange,
    RuleRun,
    WorkPeriod,
    db,
)

CONSECUTIVE_LIMIT = 3
CUMULATIVE_LIMIT = 4


@dataclass(frozen=True)
class CreditRequirement:
    credits: Decimal
    professional_share: Fraction
    since: int

    @classmethod
    def from_profile(cls, spec):
        return cls(Decimal(str(spec["credits"])), Fraction(spec["professional_share"]), int(spec["since"]))

    def met(self, credits, professional):
        return credits >= self.credits and Fraction(professional) >= self.professional_share * Fraction(self.credits)

    def met_by(self, credits, professional):
        """The same test as an SQL condition on two sums, in whole tenths of a credit (credits are imported
        with one decimal at most), so neither database compares floats or text; the share stays exact."""
        share, required = self.professional_share, int(self.credits * 10)
        return (fn.ROUND(credits * 10) >= required) & (
            fn.ROUND(professional * 10) * share.denominator >= share.numerator * required
        )


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


def apply_rules(year, profile, dry_run=False, actor=None, expected=None, progress=None):
    """Apply the appraisal and continuing-education rules for `year` to the whole archive; idempotent:
    whoever they moved is no longer on duty, or no longer in the archive, the next time.

    Both rules read the archive as it stands before either moves anyone; the changes are written as
    RuleChange rows (in a dry run too, as the report) and applied from there in set-wise UPDATEs.
    `expected` is the counts of the dry run the admin confirmed: a run that would move others is refused
    whole. Everyone moved, and everyone short of the last year's credits, is told by SMS, in the same
    transaction. Only where the profile's manual states them (002 §十二(三)(四)): elsewhere RuleViolation."""
    if not profile.yearly_rules:
        raise RuleViolation(f"{profile.name}未启用年度考评和继续教育规则")
    progress = progress or jobs.Untracked()
    with db.atomic():
        run = RuleRun.create(year=year, dry_run=dry_run, started_at=clock.now(), started_by=actor)
        progress.begin("查找连续两年无年度考评的人员")
        _record_unappraised(run, year)
        short = _record_untrained(run, year, CreditRequirement.from_profile(profile.continuing_education), progress)
        if expected is not None and _counts(run) != expected:
            raise RuleViolation("试运行之后档案有变化，将变动的人数已不同，请重新试运行后再确认")
        if not dry_run:
            progress.begin("执行变动")
            work_history.end_duty(_moved(run, "appraisal"), date(year, 1, 1), "rule")
            Accountant.update(archive_state="abnormal").where(
                Accountant.id.in_(_moved(run, "continuing_education"))
            ).execute()
            progress.begin("写入短信通知")
            _notify(run, short, profile)
        counts = _counts(run)
        run.report = json.dumps(counts)
        run.finished_at = clock.now()
        run.save()
        audit.record(
            "rules.apply",
            run,
            {
                "年度": year,
                "试运行": dry_run,
                "转为不在岗": counts.get("appraisal", 0),
                "转入异动库": counts.get("continuing_education", 0),
            },
            actor=actor,
            system=actor is None,
        )
    return run


def confirmable(run):
    """A dry run is confirmed while it is the latest run of its year."""
    latest = RuleRun.select().where(RuleRun.year == run.year).order_by(RuleRun.id.desc()).first()
    return run.dry_run and latest.id == run.id


def confirm(preview, profile, actor, progress=None):
    """确认执行 a dry run: the same rules again, refused whole if they would now move other numbers."""
    if not confirmable(preview):
        raise RuleViolation("请对最近一次试运行确认执行")
    expected = json.loads(preview.report or "{}")
    return apply_rules(preview.year, profile, actor=actor, expected=expected, progress=progress)


def _notify(run, short, profile):
    year = run.year
    told = {
        "appraisal": messages.sms(profile, "moved_off_duty", years=f"{year - 2}、{year - 1}"),
        "continuing_education": messages.sms(profile, "moved_abnormal"),
    }
    for rule, text in told.items():
        phones = Accountant.select(Accountant.phone).where(Accountant.id.in_(_moved(run, rule)))
        notifier.send_many("sms", ((phone, text) for (phone,) in phones.tuples()))
    text = messages.sms(profile, "credits_short", year=year - 1)
    for chunk in chunks(short, 1000):
        phones = Accountant.select(Accountant.phone).where(Accountant.id.in_(chunk))
        notifier.send_many("sms", ((phone, text) for (phone,) in phones.tuples()))


def _counts(run):
    return dict(
        RuleChange.select(RuleChange.rule, fn.COUNT(RuleChange.id))
        .where(RuleChange.run == run)
        .group_by(RuleChange.rule)
        .tuples()
    )


def undo(run, actor):
    """撤销: everyone the run moved comes back, unless something else moved them since (a departure, a
    restore, a later run): the duty's period reopens, the 异动 returns to the archive. Audited."""
    if run.dry_run or run.undone_at is not None:
        raise RuleViolation("只有已执行且未撤销的规则运行可以撤销")
    day = date(run.year, 1, 1)
    with db.atomic():
        done = (
            RuleRun.update(undone_at=clock.now(), undone_by=actor)
            .where(RuleRun.id == run.id, RuleRun.undone_at.is_null())
            .execute()
        )
        if not done:
            raise RuleViolation("只有已执行且未撤销的规则运行可以撤销")
        ruled = WorkPeriod.select(WorkPeriod.accountant).where(
            WorkPeriod.accountant.in_(_moved(run, "appraisal")),
            WorkPeriod.ended_on.is_null(),
            WorkPeriod.source == "rule",
            WorkPeriod.started_on == day,
        )
        back_on_duty = [person for (person,) in ruled.tuples()]
        for chunk in chunks(back_on_duty, 1000):
            WorkPeriod.delete().where(
                WorkPeriod.accountant.in_(chunk), WorkPeriod.ended_on.is_null(), WorkPeriod.source == "rule"
            ).execute()
            WorkPeriod.update(ended_on=None).where(
                WorkPeriod.accountant.in_(chunk), WorkPeriod.ended_on == day
            ).execute()
            Accountant.update(on_duty=True).where(Accountant.id.in_(chunk)).execute()
        restored = (
            Accountant.update(archive_state="archived")
            .where(Accountant.id.in_(_moved(run, "continuing_education")), Accountant.archive_state == "abnormal")
            .execute()
        )
        audit.record(
            "rules.undo",
            run,
            {"年度": run.year, "恢复在岗": len(back_on_duty), "恢复入库": restored},
            actor=actor,
        )
    return len(back_on_duty), restored


def unappraised(year):
    """On duty since the end of year-2 at the latest, in the archive, and appraised for neither year-2
    nor year-1: two consecutive years without an appraisal end the duty in the third."""
    on_duty_through = WorkPeriod.select(SQL("1")).where(
        WorkPeriod.accountant == Accountant.id,
        WorkPeriod.ended_on.is_null(),
        WorkPeriod.on_duty,
        WorkPeriod.started_on <= date(year - 2, 12, 31),
    )
    appraised = Appraisal.select(SQL("1")).where(
        Appraisal.accountant == Accountant.id, Appraisal.year.in_((year - 2, year - 1))
    )
    return Accountant.select(Accountant.id).where(
        Accountant.on_duty, Accountant.archive_state == "archived", fn.EXISTS(on_duty_through), ~fn.EXISTS(appraised)
    )


def _record_unappraised(run, year):
    why = f"{year - 2}、{year - 1} 年度均无年度考评，转为不在岗"
    found = unappraised(year).select(Value(run.id), Accountant.id, Value("appraisal"), Value(why))
    RuleChange.insert_from(found, [RuleChange.run, RuleChange.accountant, RuleChange.rule, RuleChange.why]).execute()


def _record_untrained(run, year, requirement, progress, batch=10_000):
    """The continuing-education rule person by person, over id ranges of the archive: three small
    grouped queries per range keep memory flat and let each index do the work. Returns the people who
    stay but did not complete year-1 (they are told they are short)."""
    top = Accountant.select(fn.MAX(Accountant.id)).scalar() or 0
    judged = held_years(requirement.since, year - 1)
    short = []
    progress.begin("核对继续教育学分", top)
    for low in range(1, top + 1, batch):
        span = (low, low + batch - 1)
        completed = _completed_years(span, year, requirement)
        qualified = dict(
            QualificationSection.select(Collection.accountant, fn.MIN(QualificationSection.acquired_on))
            .join(Collection, on=QualificationSection.collection == Collection.id)
            .where(Collection.accountant.between(*span), Collection.status == "approved")
            .group_by(Collection.accountant)
            .tuples()
        )
        people = (
            Accountant.select(Accountant.id, Accountant.work_started_on, Accountant.archived_at)
            .where(Accountant.id.between(*span), Accountant.archive_state == "archived")
            .tuples()
        )
        changes = []
        for person, work_started_on, archived_at in people:
            first = first_required_year(_day(qualified.get(person)), _day(work_started_on))
            missed = missed_years(max(first, requirement.since) if first else None, completed.get(person, ()), year - 1)
            entered = _day(archived_at).year if archived_at else None
            missed = [y for y in missed if y in judged and (entered is None or y >= entered)]
            if moves_to_abnormal(missed):
                changes.append(
                    (
                        run.id,
                        person,
                        "continuing_education",
                        f"继续教育未完成年度：{'、'.join(map(str, missed))}，转入异动库",
                    )
                )
            elif year - 1 in missed:
                short.append(person)
        for chunk in chunks(changes, 1000):
            RuleChange.insert_many(
                chunk, fields=[RuleChange.run, RuleChange.accountant, RuleChange.rule, RuleChange.why]
            ).execute()
        progress.advance(min(batch, top + 1 - low))
    return short


def held_years(first, last):
    """The years from `first` to `last` the credit bank holds credits for: a year nothing was imported for
    says nothing about anyone, so the rule does not judge it (what a bureau entered by hand for one person
    neither)."""
    query = EducationCredit.select(EducationCredit.year).where(
        EducationCredit.year.between(first, last), EducationCredit.entered_by.is_null()
    )
    return {year for (year,) in query.distinct().tuples()}


def _completed_years(span, year, requirement):
    """{person: years completed} for the people in span; the requirement is checked in the query, so
    only the completed (person, year) pairs come back."""
    completed = {}
    for person, credit_year in (
        EducationCredit.select(EducationCredit.accountant, EducationCredit.year)
        .where(EducationCredit.accountant.between(*span), EducationCredit.year < year)
        .group_by(EducationCredit.accountant, EducationCredit.year)
        .having(requirement.met_by(fn.SUM(EducationCredit.credits), fn.SUM(EducationCredit.professional_credits)))
        .tuples()
    ):
        completed.setdefault(person, set()).add(credit_year)
    return completed


def _moved(run, rule):
    return RuleChange.select(RuleChange.accountant).where(RuleChange.run == run, RuleChange.rule == rule)


def _day(value):
    """A date, whether the database returned one or its ISO text (SQLite's MIN of a date column)."""
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value
