"""Claims: a reviewer's 领取, or a decision, holds a collection for CLAIM_MINUTES, so two reviewers do not
work the same case; a claim is one conditional UPDATE, and renewing one's own is allowed. Opening a
collection's page claims nothing: claims are taken by POSTs only."""

from datetime import timedelta

from console.errors import RuleViolation
from console.infra import clock
from console.org.access import may_decide
from models import Account, Collection, ReviewEvent, db
from models.collection import COLLECTION_STATES

CLAIM_MINUTES = 30


def holds_claim(account, collection, now=None):
    return (
        collection.claimed_by_id == account.id
        and collection.claimed_until is not None
        and collection.claimed_until >= (now or clock.now())
    )


def taken_by_another(account, collection, now=None):
    live = collection.claimed_until is not None and collection.claimed_until >= (now or clock.now())
    return live and collection.claimed_by_id != account.id


def claim(collection, account):
    """Hold the collection for CLAIM_MINUTES; renewing one's own claim is allowed. Returns it, held."""
    if not may_decide(account, collection):
        raise RuleViolation("该信息采集不属于本机构审核，只能查看")
    now = clock.now()
    held = Collection.claimed_by.is_null() | (Collection.claimed_until < now) | (Collection.claimed_by == account.id)
    until = now + timedelta(minutes=CLAIM_MINUTES)
    with db.atomic():
        taken = (
            Collection.update(claimed_by=account, claimed_until=until)
            .where(Collection.id == collection.id, Collection.status == "submitted", held)
            .execute()
        )
        if not taken:
            raise refusal(collection.id, account, now)
        if collection.claimed_by_id != account.id or not holds_claim(account, collection, now):
            ReviewEvent.create(collection=collection, kind="claim", actor=account, revision=collection.revision, at=now)
    collection.claimed_by, collection.claimed_until = account, until
    return collection


def hold(collection, account):
    """The collection held by the account: its own live claim, else claimed now (a decision on a collection
    opened but not yet claimed claims it as it is made)."""
    return collection if holds_claim(account, collection) else claim(collection, account)


def claim_if_free(collection_id, account):
    """Claim the collection unless another reviewer holds it; whether the account holds it now."""
    try:
        claim(Collection.get_by_id(collection_id), account)
    except RuleViolation:
        return False
    return True


def release(collection, account):
    with db.atomic():
        freed = (
            Collection.update(claimed_by=None, claimed_until=None)
            .where(Collection.id == collection.id, Collection.claimed_by == account.id)
            .execute()
        )
        if freed:
            ReviewEvent.create(
                collection=collection, kind="release", actor=account, revision=collection.revision, at=clock.now()
            )
    return Collection.get_by_id(collection.id)


def refusal(collection_id, account, now):
    """Why a claim or decision did not happen, as the reviewer needs to hear it."""
    current = Collection.get_by_id(collection_id)
    states = COLLECTION_STATES.labels
    if current.status != "submitted":
        if current.decided_by_id and current.decided_at:
            who = Account.get_by_id(current.decided_by_id)
            return RuleViolation(
                f"{who}已于 {clock.to_beijing(current.decided_at):%m-%d %H:%M} 作出决定：{states[current.status]}"
            )
        return RuleViolation(f"该信息采集当前为“{states[current.status]}”，不能审核")
    if current.claimed_until and current.claimed_until >= now and current.claimed_by_id != getattr(account, "id", None):
        holder = Account.get_by_id(current.claimed_by_id)
        return RuleViolation(f"{holder}正在审核（领取至 {clock.to_beijing(current.claimed_until):%H:%M}）")
    if account is not None and not holds_claim(account, current, now):
        return RuleViolation("领取已过期，请重新打开后再审核")
    return RuleViolation("申请人已重新提交，请刷新后再审核")
