"""What the reviewer compares a submission with: a 信息变更 with what the archive holds, a resubmission with
the submission last returned, a first submission of someone in the old database with that record."""

import json

from console.collection.answers import snapshot_text
from console.imports.legacy import LEGACY_MAP, legacy_record
from models import Collection, ReviewEvent, Submission


def changes(collection):
    """What the reviewer compares, as ([(section, field, before, after)], [(slot, change)]), or None:
    - a 信息变更 against what the archive holds (the approved collection's last submission);
    - a resubmission against the submission last returned;
    - a first submission of someone in the old database against what that record held (its fields only)."""
    after = Submission.get_or_none(Submission.collection == collection, Submission.revision == collection.revision)
    if after is None:
        return None
    new = json.loads(after.answers)
    before = _baseline(collection)
    if before is not None:
        return (
            None if before.id == after.id else _differences(json.loads(before.answers), new, before.files, after.files)
        )
    held = _legacy_answers(new.get("personal", {}))
    if not held:
        return None
    return [
        (section, field, value, new.get(section, {}).get(field, ""))
        for section, values in held.items()
        for field, value in values.items()
        if new.get(section, {}).get(field, "") != value
    ], []


def _differences(old, new, old_files, new_files):
    fields = [
        (section, field, old.get(section, {}).get(field, ""), value)
        for section, values in new.items()
        for field, value in values.items()
        if old.get(section, {}).get(field, "") != value
    ]
    fields += [
        (section, field, value, "")
        for section, values in old.items()
        for field, value in values.items()
        if value and field not in new.get(section, {})
    ]
    old_files, new_files = json.loads(old_files), json.loads(new_files)
    files = [
        (slot, "新上传" if slot not in old_files else "已更换")
        for slot, sha in new_files.items()
        if old_files.get(slot) != sha
    ]
    files += [(slot, "已删除") for slot in old_files if slot not in new_files]
    return fields, files


def _baseline(collection):
    if collection.kind == "change":
        archived = (
            Collection.select(Collection.id)
            .where(
                Collection.accountant == collection.accountant_id,
                Collection.status == "approved",
                Collection.id != collection.id,
            )
            .order_by(Collection.id.desc())
            .first()
        )
        return (
            Submission.select().where(Submission.collection == archived).order_by(Submission.revision.desc()).first()
            if archived
            else None
        )
    returned = (
        ReviewEvent.select(ReviewEvent.revision)
        .where(ReviewEvent.collection == collection, ReviewEvent.kind == "return")
        .order_by(ReviewEvent.id.desc())
        .first()
    )
    return (
        Submission.get_or_none(Submission.collection == collection, Submission.revision == returned.revision)
        if returned
        else None
    )


def _legacy_answers(personal):
    """What the old database held of the person, under the snapshot's section and field names."""
    record = legacy_record(personal.get("id_type"), personal.get("id_number"))
    held = {}
    for section, field, column in LEGACY_MAP if record else ():
        value = getattr(record, column)
        if value not in (None, ""):
            place = ("education", f"full_time_{field}") if section == "full_time" else (section, field)
            held.setdefault(place[0], {})[place[1]] = snapshot_text(value)
    return held
