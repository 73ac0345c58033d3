"""Whose collections, filings, units and files an account may read: a reviewer those routed to their authority
and the authorities below it (a city oversees its counties, 002 §一.2), the province admin all."""

from collections import namedtuple

from console.infra.database import plain_rows
from console.infra.memo import per_request
from console.org.authorities import descendants
from models import Authority, Collection, Unit

Node = namedtuple("Node", "id parent_id name level merged_into_id")


@per_request
def authority_list():
    """Every authority as a Node, read once per request: the scope and the filter share it."""
    query = Authority.select(
        Authority.id, Authority.parent, Authority.name, Authority.level, Authority.merged_into
    ).order_by(Authority.code)
    return [Node(*row) for row in plain_rows(query)]


def with_merged(ids):
    """The ids and every authority merged, at any remove, into one of them: a merged bureau's decided cases
    stay where they were decided, readable where its work went (console.org.authorities.merge)."""
    merged = [(a.id, a.merged_into_id) for a in authority_list() if a.merged_into_id]
    found, grown = set(ids), True
    while grown:
        more = {source for source, target in merged if target in found and source not in found}
        found |= more
        grown = bool(more)
    return found


@per_request
def readable_authorities(account):
    """Authority ids whose collections the account may read; None means all of them."""
    if account.role == "province_admin":
        return None
    if account.role == "reviewer" and account.authority_id:
        tree = [(a.id, a.parent_id) for a in authority_list()]
        return with_merged({account.authority_id, *descendants(Authority(id=account.authority_id), tree)})
    return set()


def administered_authorities(account):
    """Authority ids whose staff accounts an admin keeps: an admin at the province all of them (None), an admin
    at a city or county bureau its own tree only."""
    if account.role != "province_admin":
        return set()
    own = next((a for a in authority_list() if a.id == account.authority_id), None)
    if own is None or own.level == "province":
        return None
    tree = [(a.id, a.parent_id) for a in authority_list()]
    return {own.id, *descendants(Authority(id=own.id), tree)}


def may_read(account, record):
    """A collection, filing or unit: its own person, the unit's head, or the authorities above it."""
    if account.accountant_id is not None and getattr(record, "accountant_id", None) == account.accountant_id:
        return True
    if isinstance(record, Collection) and record.status == "draft":
        return False  # a draft is its applicant's alone: staff read it, and its scans, once it is submitted
    if isinstance(record, Unit) and account.role == "unit_head" and account.unit_id == record.id:
        return True
    scope = readable_authorities(account)
    return scope is None or record.authority_id in scope


def deciding_authority(account):
    """The one authority whose items the account decides, or None. Decisions on a collection, filing or unit
    stay with the authority it is routed to: a city reads its counties' but decides only its own."""
    return account.authority_id if account.role == "reviewer" else None


def may_decide(account, record):
    return record.authority_id is not None and record.authority_id == deciding_authority(account)


def decidable(account, model):
    """The same rule as a condition on a table with an authority column, for lists and bulk actions."""
    return model.authority == deciding_authority(account)


def heads(account, accountant):
    """A unit's accounting head acts for the people of that unit only."""
    return account.role == "unit_head" and account.unit_id is not None and accountant.unit_id == account.unit_id


def is_accountant(account):
    """An accountant (a unit head among them) has an archive record of their own; staff have none."""
    return account.is_authenticated and account.accountant_id is not None
