"""Staff accounts: created and reset with a one-time password that must be changed at first sign-in."""

from console.infra import clock
from console.people import sessions
from console.people.passwords import generate_password, hash_password
from models import Account


def issue_password(account):
    """Give the account a fresh one-time password (and lift any lock), ending its sessions; returns it to
    show once."""
    if account.id is not None:
        sessions.end_all(account, "重置密码")
    password = generate_password()
    account.password_hash = hash_password(password)
    account.must_change_password = True
    account.failed_logins, account.locked_until = 0, None
    return password


def create_staff_account(username, role, authority=None, unit=None, display_name=""):
    """Returns (account, its one-time password)."""
    account = Account(
        username=username, role=role, display_name=display_name, authority=authority, unit=unit, created_at=clock.now()
    )
    password = issue_password(account)
    account.save()
    return account, password
