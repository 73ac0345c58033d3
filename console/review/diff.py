"""What the reviewer compares a submission with: a 信息变更 with what the archive holds, a resubmission with
the submission last returned, a first submission of someone in the old database with that record."""

import json

from console.archive import transfers
from console.collection.answers import snapshot_text
from console.imports.legacy import LEGACY_MAP
from models import Collection, ReviewEvent, Submission


def changes(collection, revision, answers, files, legacy=None):
    """What a submission changed, computed when it is made and kept with it, as
    ([(section, field, before, after)], [(slot, change)]), or None when there is nothing to compare with:
    - a 信息变更 against what the archive holds (the approved collection's last submission);
    - a resubmission against the submission last returned;
    - a first submission of someone in the old database (`legacy`) against what that record held;
    - a first submission of an archive that arrived from another province (调入) against its package.
    `revision` is the submission's; `answers` and `files` what it keeps."""
    before = _baseline(collection, revision)
    if before is not None:
        return _differences(json.loads(before.answers), answers, json.loads(before.files), files)
    if collection.kind == "transfer":
        held_answers, held_files = transfers.baseline(collection) or ({}, {})
        return _differences(held_answers, answers, held_files, files)
    held = _legacy_answers(legacy)
    if not held:
        return None
    return [
        (section, field, value, answers.get(section, {}).get(field, ""))
        for section, values in held.items()
        for field, value in values.items()
        if answers.get(section, {}).get(field, "") != value
    ], []


def of(collection):
    """The changes the collection's latest submission keeps."""
    return kept(Submission.get_or_none(Submission.collection == collection, Submission.revision == collection.revision))


def kept(submission):
    """The changes a submission keeps, as changes() made them."""
    found = json.loads(submission.changes or "null") if submission else None
    return None if found is None else ([tuple(f) for f in found[0]], [tuple(f) for f in found[1]])


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
    files = [
        (slot, "新上传" if slot not in old_files else "已更换")
        for slot, sha in new_files.items()
        if old_files.get(slot) != sha
    ]
    files += [(slot, "已删除") for slot in old_files if slot not in new_files]
    return fields, files


def _baseline(collection, revision):
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
        .where(ReviewEvent.collection == collection, ReviewEvent.kind == "return", ReviewEvent.revision < revision)
        .order_by(ReviewEvent.id.desc())
        .first()
    )
    return (
        Submission.get_or_none(Submission.collection == collection, Submission.revision == returned.revision)
        if returned
        else None
    )


def _legacy_answers(record):
    """What the old database held of the person, under the snapshot's section and field names."""
    held = {}
    for section, field, column in LEGACY_MAP if record else ():
        value = getattr(record, column)
        if value not in (None, ""):
            place = ("education", f"full_time_{field}") if section == "full_time" else (section, field)
            held.setdefault(place[0], {})[place[1]] = snapshot_text(value)
    return held
