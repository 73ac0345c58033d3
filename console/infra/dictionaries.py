"""Dictionaries (字典): the choices of the forms' dropdowns, from authority_data/dictionaries/*.csv."""

import csv
import time
from collections import Counter

from console.profiles import DATA_DIR
from models import DictionaryEntry, ReasonTemplate, db
from models.dictionary import DICTIONARY_KINDS


def load_dictionaries():
    """Add missing entries and refresh those nobody edited in the console; never delete.

    Returns a Counter of created / updated / unchanged / kept."""
    report = Counter()
    with db.atomic():
        existing = {(e.kind, e.code): e for e in DictionaryEntry.select()}
        for kind, _ in DICTIONARY_KINDS:
            with (DATA_DIR / "dictionaries" / f"{kind}.csv").open(encoding="utf-8", newline="") as f:
                for order, row in enumerate(csv.DictReader(f), start=1):
                    report[_apply(existing.get((kind, row["code"])), kind, row, order)] += 1
    return report


def _apply(entry, kind, row, order):
    if entry is None:
        DictionaryEntry.create(kind=kind, code=row["code"], name=row["name"], sort_order=order)
        return "created"
    if entry.edited_in_console:
        return "kept"
    if (entry.name, entry.sort_order) == (row["name"], order):
        return "unchanged"
    entry.name, entry.sort_order = row["name"], order
    entry.save()
    return "updated"


def load_reason_templates():
    """Add a ready-made return reason for each field or slot that has none; the province admin edits
    them in the console, and an edited or deactivated one is never put back."""
    with (DATA_DIR / "reason_templates.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    with db.atomic():
        known = {(t.section, t.target) for t in ReasonTemplate.select()}
        fresh = [
            dict(row, sort_order=order)
            for order, row in enumerate(rows, start=1)
            if (row["section"], row["target"]) not in known
        ]
        if fresh:
            ReasonTemplate.insert_many(fresh).execute()
    return len(fresh)


NAMES_TTL = 60  # seconds a filter's choices may lag behind a console edit
_names = {}


def names(kind):
    """The active names of one dictionary, for filters read on every page; kept for NAMES_TTL seconds."""
    kept = _names.get(kind)
    if kept is None or time.monotonic() - kept[0] > NAMES_TTL:
        kept = _names[kind] = (time.monotonic(), active_names(kind))
    return kept[1]


def active_names(kind):
    """The active names of one dictionary as they stand now, for checking what an import says."""
    return [
        e.name
        for e in DictionaryEntry.select(DictionaryEntry.name)
        .where(DictionaryEntry.kind == kind, DictionaryEntry.is_active)
        .order_by(DictionaryEntry.sort_order)
    ]
