"""The console home's figures: for one authority, its collections by state, how long the waiting ones
have waited in working days, and each reviewer's decisions per week; for the province, one row per authority."""

from datetime import timedelta

from peewee import SQL, Case, fn

from console.archive import appraisals, registry
from console.infra import clock, workdays
from console.org import authorities
from models import (
    Account,
    Accountant,
    Appraisal,
    Authority,
    Collection,
    CreditRecord,
    Filing,
    ReviewEvent,
    Unit,
    UnitChange,
)
from models.collection import COLLECTION_STATES

WAITING_BANDS = ((0, 1, "0–1 天"), (2, 3, "2–3 天"), (4, 5, "4–5 天"), (6, 10, "6–10 天"), (11, None, "超过 10 天"))
WEEKS = 8
SHOWN_STATES = tuple(key for key, _ in COLLECTION_STATES if key != "draft")  # a draft is the applicant's own


_kept = {}  # authority id → (figures_version, day, figures): this process's copy, valid while both match


def for_authority(authority_id, today=None):
    """The authority's figures, computed again only when a change to what they count (authorities.figures_changed) or a new
    day has come since this process last computed them: the version is read from the database, so every worker
    process sees every other's decisions."""
    today = today or clock.today()
    version = authorities.figures_version([authority_id])
    kept = _kept.get(authority_id)
    if kept and kept[:2] == (version, today):
        return kept[2]
    figures = _figures(authority_id, today)
    _kept[authority_id] = (version, today, figures)
    return figures


def _figures(authority_id, today):
    counts = dict(
        Collection.select(Collection.status, fn.COUNT(SQL("*")))
        .where(Collection.authority == authority_id)
        .group_by(Collection.status)
        .tuples()
    )
    bands = waiting_bands(authority_id, today)
    return {
        "states": [(label, counts.get(key, 0)) for key, label in COLLECTION_STATES if key in SHOWN_STATES],
        "waiting": bands,
        "overdue": sum(n for (low, _, _), (_, n) in zip(WAITING_BANDS, bands) if low > workdays.OVERDUE_AFTER),
        "weeks": decisions_per_week(authority_id, today),
    }


def waiting_on(authority_id, shown=5):
    """What waits on the authority's reviewers besides its queue: the unit changes its units' heads asked for
    (the first few, to open), the filings and the credit records to confirm."""
    changes = (
        UnitChange.select(UnitChange.unit, Unit.name.alias("unit_name"))
        .join(Unit)
        .where(UnitChange.status == "submitted", Unit.authority == authority_id)
        .order_by(UnitChange.requested_at)
    )
    credit = CreditRecord.select().join(Accountant).where(CreditRecord.status == "pending")
    return {
        "unit_changes": list(changes.limit(shown).dicts()),
        "unit_change_count": changes.count(),
        "filings": Filing.select().where(Filing.authority == authority_id, Filing.status == "submitted").count(),
        "credit_records": credit.where(Accountant.authority == authority_id).count(),
    }


def _older_than(today, days):
    """A CASE that counts a submission that has waited more than `days` working days."""
    return fn.SUM(Case(None, [(Collection.submitted_at < workdays.overdue_before(today, days), 1)], 0))


def waiting_bands(authority_id, today):
    """[(label, count)] of the waiting submissions, counted in one pass with a CASE per band edge."""
    edges = [low - 1 for low, _, _ in WAITING_BANDS[1:]]  # more than 1, 3, 5, 10 days
    row = (
        Collection.select(fn.COUNT(SQL("*")), *[_older_than(today, days) for days in edges])
        .where(Collection.authority == authority_id, Collection.status == "submitted")
        .tuples()
        .first()
    )
    totals = [row[0] or 0] + [n or 0 for n in row[1:]] + [0]
    return [(label, totals[i] - totals[i + 1]) for i, (_, _, label) in enumerate(WAITING_BANDS)]


def decisions_per_week(authority_id, today):
    """{"weeks": [Monday, …], "reviewers": [(name, [count per week])]} for the last WEEKS weeks,
    summed in the database with one CASE per week over the (actor, at) index."""
    monday = today - timedelta(days=today.weekday())
    weeks = [monday - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]
    edges = [clock.beijing_midnight(w) for w in weeks] + [clock.beijing_midnight(monday + timedelta(weeks=1))]
    per_week = [
        fn.SUM(Case(None, [((ReviewEvent.at >= lo) & (ReviewEvent.at < hi), 1)], 0)) for lo, hi in zip(edges, edges[1:])
    ]
    reviewers = Account.select(Account.id, Account.display_name, Account.username).where(
        Account.authority == authority_id, Account.role == "reviewer"
    )
    counted = {
        actor: counts
        for actor, *counts in (
            ReviewEvent.select(ReviewEvent.actor, *per_week)
            .where(
                ReviewEvent.actor.in_(reviewers.select(Account.id)),
                ReviewEvent.kind.in_(("approve", "return")),
                ReviewEvent.at >= edges[0],
            )
            .group_by(ReviewEvent.actor)
            .tuples()
        )
    }
    rows = [(str(a), [n or 0 for n in counted.get(a.id, [0] * WEEKS)]) for a in reviewers]
    return {"weeks": weeks, "reviewers": rows}


def for_province(today=None):
    """One row per active authority: waiting, overdue and returned, counted over the open states only."""
    today = today or clock.today()
    late = workdays.overdue_before(today)
    waiting = fn.SUM(Case(None, [(Collection.status == "submitted", 1)], 0))
    overdue = fn.SUM(Case(None, [((Collection.status == "submitted") & (Collection.submitted_at < late), 1)], 0))
    returned = fn.SUM(Case(None, [(Collection.status == "returned", 1)], 0))
    counted = {
        a: (w or 0, o or 0, r or 0)
        for a, w, o, r in (
            Collection.select(Collection.authority, waiting, overdue, returned)
            .where(Collection.status.in_(("submitted", "returned")))
            .group_by(Collection.authority)
            .tuples()
        )
    }
    return [
        (authority, *counted.get(authority.id, (0, 0, 0)))
        for authority in Authority.select().where(Authority.is_active).order_by(Authority.code)
    ]


def for_unit(unit, year):
    """A unit head's home: the unit's people, last year's appraisals, what waits for the bureau."""
    on_duty, off_duty = registry.duty_counts(unit)
    return {
        "unit": unit,
        "year": year,
        "on_duty": on_duty,
        "off_duty": off_duty,
        "appraised": Appraisal.select().where(Appraisal.unit == unit, Appraisal.year == year).count(),
        "closed": appraisals.is_closed(unit, year),
        "pending_records": CreditRecord.select()
        .join(Accountant)
        .where(Accountant.unit == unit, CreditRecord.status == "pending")
        .count(),
    }
