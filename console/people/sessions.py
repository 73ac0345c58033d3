"""Sign-in sessions kept on the server (ASVS V3): a session is a row, the browser holds a random token of
it, and every request is answered only while that row is open. Signing out ends the one session; a
password change or reset, disabling the account and an admin's 结束全部会话 end all of the account's, on
every worker at once, as they share the database. A session lives MAX_AGE at most, however active."""

import hashlib
import secrets
from datetime import timedelta

from console.infra import audit, clock
from models import AccountSession

MAX_AGE = timedelta(hours=12)


def open_for(account):
    """A new session of the account: the token its browser is to carry."""
    token = secrets.token_urlsafe(32)
    AccountSession.create(account=account, token_hash=token_hash(token), created_at=clock.now())
    return token


def token_hash(token):
    return hashlib.sha256((token or "").encode()).hexdigest()


def oldest_open():
    """Sessions opened before this moment have outlived MAX_AGE."""
    return clock.now() - MAX_AGE


def end(token, why):
    AccountSession.update(ended_at=clock.now(), ended_why=why).where(
        AccountSession.token_hash == token_hash(token), AccountSession.ended_at.is_null()
    ).execute()


def end_all(account, why, by=None):
    """End every open session of the account; returns how many were open."""
    ended = (
        AccountSession.update(ended_at=clock.now(), ended_why=why)
        .where(AccountSession.account == account, AccountSession.ended_at.is_null())
        .execute()
    )
    if ended and by is not None:
        audit.record("session.end_all", account, {"会话数": ended, "原因": why}, actor=by)
    return ended
