"""年度考评: a unit's head grades every on-duty accountant of the unit for a year, on one grid saved
all at once; the unit's bureau closes the year, after which nothing in it changes (002 §十二(三))."""

from dataclasses import dataclass

from peewee import fn

from console.archive import registry
from console.errors import RuleViolation
from console.infra import audit, clock
from models import Accountant, Appraisal, AppraisalYear, Unit, db
from models.appraisal import GRADES

NOTES = ("morality", "ability", "diligence", "performance", "integrity")  # 德、能、勤、绩、廉
MAX_NOTE = 200


@dataclass
class GridRow:
    accountant: Accountant
    appraisal: Appraisal | None


class GridRefused(RuleViolation):
    def __init__(self, errors):
        super().__init__("考评未保存：" + "；".join(errors.values()))
        self.errors = errors  # {accountant id: message}


def closing(authority_id, year):
    """The bureau's closing of the year (who, when), or None while it is open."""
    return AppraisalYear.get_or_none(AppraisalYear.authority == authority_id, AppraisalYear.year == year)


def is_closed(unit, year):
    return closing(unit.authority_id, year) is not None


def grid(unit, year):
    """Everyone on duty at the unit, and anyone already appraised there for the year, by name."""
    held = {a.accountant_id: a for a in Appraisal.select().where(Appraisal.unit == unit, Appraisal.year == year)}
    people = (
        Accountant.select()
        .where((registry.of_unit(unit) & Accountant.on_duty) | Accountant.id.in_(list(held)))
        .order_by(Accountant.name, Accountant.id)
    )
    return [GridRow(person, held.get(person.id)) for person in people]


def save(unit, year, entries, account, this_year):
    """Save the grid: `entries` maps accountant id → {"grade", *NOTES}. Refused whole when any row is wrong."""
    if not 2000 <= year <= this_year:
        raise RuleViolation(f"考评年度应在 2000—{this_year} 之间", "year")
    if is_closed(unit, year):
        raise RuleViolation(f"{year} 年度考评已由会计管理机构关闭，不能再修改", "year")
    rows = {row.accountant.id: row for row in grid(unit, year)}
    errors = {}
    for person_id in entries.keys() - rows.keys():
        left = Accountant.get_or_none(Accountant.id == person_id)
        errors[person_id] = f"{left.name if left else '该人员'} 已离岗或不在本单位，不能考评"
    for person_id, row in rows.items():
        entry = entries.get(person_id, {})
        required = person_id in entries or (row.accountant.on_duty and row.accountant.unit_id == unit.id)
        if required and entry.get("grade") not in GRADES.values():
            errors[person_id] = f"请为 {row.accountant.name} 选择考评等次"
        elif any(len(entry.get(note, "")) > MAX_NOTE for note in NOTES):
            errors[person_id] = f"{row.accountant.name} 的评语每项不超过 {MAX_NOTE} 字"
    if errors:
        raise GridRefused(errors)
    now = clock.now()
    with db.atomic():
        for person_id, entry in entries.items():
            values = {
                "grade": entry["grade"],
                **{note: entry.get(note, "").strip() for note in NOTES},
                "unit": unit,
                "entered_by": account,
                "entered_at": now,
            }
            held = Appraisal.update(**values).where(Appraisal.accountant == person_id, Appraisal.year == year)
            if not held.execute():
                Appraisal.create(accountant=person_id, year=year, **values)
        audit.record("appraisal.save", unit, {"年度": year, "人数": len(entries)}, actor=account)
    return len(entries)


def close_year(authority, year, account):
    """The bureau closes a year for all units under it; closing twice is a no-op."""
    with db.atomic():
        _, created = AppraisalYear.get_or_create(
            authority=authority, year=year, defaults={"closed_at": clock.now(), "closed_by": account}
        )
        if created:
            audit.record("appraisal_year.close", authority, {"年度": year}, actor=account)
    return created


def progress(authority, year):
    """Per unit of the authority: (unit, on-duty people, appraised for the year)."""
    on_duty = dict(
        Accountant.select(Accountant.unit, fn.COUNT(Accountant.id))
        .join(Unit, on=Accountant.unit == Unit.id)
        .where(Unit.authority == authority, Accountant.on_duty, Accountant.archive_state == "archived")
        .group_by(Accountant.unit)
        .tuples()
    )
    appraised = dict(
        Appraisal.select(Appraisal.unit, fn.COUNT(Appraisal.id))
        .join(Unit)
        .where(Unit.authority == authority, Appraisal.year == year)
        .group_by(Appraisal.unit)
        .tuples()
    )
    units = Unit.select().where(Unit.id.in_(list(on_duty.keys() | appraised.keys()))).order_by(Unit.name)
    return [(unit, on_duty.get(unit.id, 0), appraised.get(unit.id, 0)) for unit in units]
