"""A collection's answers, read back from its section rows: as the rules read them (typed values), and as a
submission keeps them ({section: {field: text}}, the snapshot the diff compares)."""

from datetime import date

from peewee import JOIN

from console.infra.database import Prepared
from models import (
    Award,
    Collection,
    Education,
    PersonalSection,
    PostSection,
    Publication,
    QualificationSection,
    Unit,
    Violation,
)

ANSWER_MODELS = (PersonalSection, PostSection, QualificationSection, Education, Award, Violation, Publication)
BOOKKEEPING = ("id", "collection", "mode")
FullTime, PartTime = Education.alias(), Education.alias()
# Where each part of the answers is kept; a collection has at most one row of each.
PARTS = {
    "personal": PersonalSection,
    "post": PostSection,
    "full_time": FullTime,
    "part_time": PartTime,
    "qualification": QualificationSection,
    "awards": Award,
    "violations": Violation,
    "publications": Publication,
}


def _columns(part):
    return [f for f in part._meta.sorted_fields if f.name not in BOOKKEEPING]


HELD_OF_UNIT = (
    Unit.id,
    Unit.uscc,
    Unit.name,
    Unit.address,
    Unit.phone,
    Unit.region_code,
    Unit.authority,
    Unit.assigned,
)


def _answers(collection_id):
    query = Collection.select(Collection.id)
    for key, part in PARTS.items():
        joined = part.collection == Collection.id
        if part in (FullTime, PartTime):
            joined &= part.mode == key
        query = query.join_from(Collection, part, JOIN.LEFT_OUTER, on=joined).select_extend(
            part.id, *(getattr(part, f.name) for f in _columns(part))
        )
    query = query.join_from(PostSection, Unit, JOIN.LEFT_OUTER, on=PostSection.unit == Unit.id)
    return query.select_extend(*HELD_OF_UNIT).where(Collection.id == collection_id).tuples()


_ANSWERS = Prepared(_answers)  # every wizard page reads them: peewee wrote this 90-column join in 1 ms a time


def read(collection):
    """Every part of a collection's answers as a plain dict, as the rules read them ({} for a part not begun):
    the sections, the full-time and part-time education, the records under their section keys, and the unit
    the post section names. One query: each part LEFT JOINed to the collection."""
    row = list(_ANSWERS.first(getattr(collection, "id", collection)) or ())
    given, at = {}, 1
    for key, part in PARTS.items():
        names = [f.name for f in _columns(part)]
        present, values = row[at] is not None, row[at + 1 : at + 1 + len(names)]
        given[key] = dict(zip(names, values)) if present else {}
        at += 1 + len(names)
    unit = dict(zip([f.name for f in HELD_OF_UNIT], row[at:]))
    given["unit"] = unit if unit["id"] is not None else {}  # the unit found or added for the post section
    return given


SECTION_MODELS = {"post": PostSection, "qualification": QualificationSection, "talent": QualificationSection}
RECORD_MODELS = {
    "awards": ("award", Award),
    "violations": ("violation", Violation),
    "publications": ("publication", Publication),
}


def record(collection, key):
    return read(collection)[key]


SNAPSHOT_HIDDEN = (
    "unit",
    "letter_code",
    "email_verified",
    "chosen_authority",
)  # bookkeeping, not what the applicant declared


def flat(given):
    """The answers read (read()) as {section: {field: text}} under the wizard's section and field names, as a
    submission keeps them."""
    sections = {
        "personal": given["personal"],
        "post": given["post"],
        "education": {
            f"{mode}_{k}": v
            for mode in ("full_time", "part_time")
            for k, v in given[mode].items()
            if any(given[mode].values())
        },  # an untouched part-time row is no answer
        "qualification": given["qualification"],
        **{key: given[key] for key in RECORD_MODELS},
    }
    return {
        key: {k: snapshot_text(v) for k, v in values.items() if k not in SNAPSHOT_HIDDEN}
        for key, values in sections.items()
    }


def snapshot_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
