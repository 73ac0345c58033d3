"""The review page's read model: one collection as its reviewer sees it, read in a fixed handful of queries.
The answers, the checks and the changes are those its submission kept (console.collection.lifecycle.submit);
a submission made before they were kept has its checks run and its changes found now."""

import json
from dataclasses import dataclass
from functools import cached_property

from peewee import JOIN

from console.collection import answers, attachments, education_record, sections
from console.imports.legacy import legacy_record
from console.infra.database import Prepared
from console.org.access import may_decide
from console.org.routing import choosable_regions
from console.review import claims, decisions, diff, reasons, screening
from models import (
    Account,
    Accountant,
    Attachment,
    Authority,
    Collection,
    ReviewEvent,
    Submission,
)

Claimer, Decider = Account.alias(), Account.alias()


def _reviewed(collection_id):
    return (
        Collection.select(Collection, Authority, Accountant, Claimer, Decider)
        .join_from(Collection, Authority)
        .join_from(Collection, Accountant)
        .join_from(Collection, Claimer, JOIN.LEFT_OUTER, on=Collection.claimed_by == Claimer.id, attr="claimed_by")
        .join_from(Collection, Decider, JOIN.LEFT_OUTER, on=Collection.decided_by == Decider.id, attr="decided_by")
        .where(Collection.id == collection_id)
    )


def _decided(collection_id):
    return Collection.select(Collection, Accountant).join(Accountant).where(Collection.id == collection_id)


_REVIEWED, _DECIDED = Prepared(_reviewed), Prepared(_decided)


def reviewed(collection_id):
    """The collection with its authority, its person, who holds the claim and who decided: one query."""
    return _REVIEWED.first(collection_id)


def decided(collection_id):
    """The collection and its person: all a decision reads (the review page reads reviewed())."""
    return _DECIDED.first(collection_id)


@dataclass
class Case:
    collection: Collection
    shown: list  # sections.shown(): [(section, stored under, [(field, shown value)])]
    checks: dict  # {(section, field): [Check]}
    changes: tuple | None  # ([(section, field, before, after)], [(slot, change)])
    files: list
    templates: list
    events: list
    event_reasons: dict
    may_decide: bool
    holds: bool
    taken: bool  # another reviewer holds a live claim on it

    @property
    def workable(self):
        """Whether the account may decide it now: its own claim, or one a decision would take."""
        return self.may_decide and self.collection.status == "submitted" and not self.taken

    @cached_property
    def changed(self):
        return {(s, f) for s, f, _, _ in self.changes[0]} if self.changes else set()

    @cached_property
    def changed_files(self):
        return dict(self.changes[1]) if self.changes else {}

    @cached_property
    def education_marks(self):
        """学历加标, shown beside the education (console.collection.education_record)."""
        education = next(({f.name: v for f, v in facts} for s, _, facts in self.shown if s.key == "education"), {})
        return education_record.marks(education, {a.slot for a in self.files})

    @property
    def file_names(self):
        return [attachments.SLOTS[a.slot] for a in self.files]


def open_case(collection, account, profile):
    """What the review page shows of a collection (read by `reviewed`) to `account`."""
    kept = Submission.get_or_none(Submission.collection == collection, Submission.revision == collection.revision)
    files = list(Attachment.select().where(Attachment.collection == collection).order_by(Attachment.id))
    flat, checks, changes = _kept(kept, collection, files, profile)
    events, event_reasons = decisions.history(ReviewEvent.collection == collection)
    keys = [k for k in profile.sections if sections.SECTIONS[k].fields and k != "commitment"]
    return Case(
        collection=collection,
        shown=sections.shown(flat, keys, profile, dict(choosable_regions(profile.province_code))),
        checks=screening.by_field(checks),
        changes=changes,
        files=files,
        templates=reasons.templates_for(profile),
        events=events,
        event_reasons=event_reasons,
        may_decide=may_decide(account, collection),
        holds=claims.holds_claim(account, collection),
        taken=claims.taken_by_another(account, collection),
    )


def _kept(submission, collection, files, profile):
    """(answers, checks, changes) as the submission kept them, or found now for one that kept no checks."""
    if submission is not None and submission.checks is not None:
        return json.loads(submission.answers), screening.loads(submission.checks), diff.kept(submission)
    given = answers.read(collection)
    flat = json.loads(submission.answers) if submission else answers.flat(given)
    personal = given["personal"]
    legacy = legacy_record(personal.get("id_type"), personal.get("id_number"))
    sums = json.loads(submission.files) if submission else {}
    found = diff.changes(collection, collection.revision, flat, sums, legacy)
    return flat, screening.run(collection, given, profile, files), found
