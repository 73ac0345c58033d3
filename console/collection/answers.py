"""A collection's answers, read back from its section rows: as the rules read them (typed values), and as a
submission keeps them ({section: {field: text}}, the snapshot the diff compares)."""

from datetime import date

from playhouse.shortcuts import model_to_dict

from models import Award, Education, PersonalSection, PostSection, Publication, QualificationSection, Violation

ANSWER_MODELS = (PersonalSection, PostSection, QualificationSection, Education, Award, Violation, Publication)


def read(collection):
    """Every section's answers as plain dicts, as the rules read them."""

    def one(model, **where):
        row = model.get_or_none(model.collection == collection, *[getattr(model, k) == v for k, v in where.items()])
        return _values(row)

    return {
        "personal": one(PersonalSection),
        "post": one(PostSection),
        "full_time": one(Education, mode="full_time"),
        "part_time": one(Education, mode="part_time"),
        "qualification": one(QualificationSection),
    }


SECTION_MODELS = {"post": PostSection, "qualification": QualificationSection, "talent": QualificationSection}
RECORD_MODELS = {
    "awards": ("award", Award),
    "violations": ("violation", Violation),
    "publications": ("publication", Publication),
}


def record(collection, key):
    kind, model = RECORD_MODELS[key]
    return _values(model.get_or_none(model.collection == collection))


def _values(row):
    """A section row's answers, without its bookkeeping columns."""
    if row is None:
        return {}
    return {k: v for k, v in model_to_dict(row, recurse=False).items() if k not in ("id", "collection", "mode")}


SNAPSHOT_HIDDEN = ("unit", "letter_code", "email_verified")  # bookkeeping, not what the applicant declared


def flat(collection):
    """{section: {field: text}} under the wizard's section and field names, as a submission is kept."""
    given = read(collection)
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
        **{key: record(collection, key) for key in RECORD_MODELS},
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
