"""Sessions, shared by the console and the portal: loading the signed-in account, the idle timeout, the
forced password change, opening and ending a session, safe `next` redirects, and the answer to a request
its user may not make. The rules of who may sign in are console.people.sign_in."""

from functools import partial, wraps
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from peewee import JOIN

from console.extensions import login_manager
from console.infra import audit, captcha, clock
from console.infra.database import Prepared
from console.org.access import is_accountant
from console.people import sessions
from models import Account, Accountant, AccountSession, Authority

# Endpoints a signed-in user may reach while a password change is pending.
PASSWORD_CHANGE_EXEMPT = {"console_auth.password", "console_auth.logout", "static", "public.captcha_image"}


def init_app(app):
    login_manager.init_app(app)
    login_manager.login_view = "console_auth.login"
    login_manager.blueprint_login_views = dict.fromkeys(("portal", "wizard", "entry"), "portal.login")
    login_manager.login_message = "请先登录"
    # "basic" protection rewrites an anonymous session on its first request; parallel requests (the
    # captcha image, static files) then overwrite each other's cookies. It only serves
    # fresh_login_required, which nothing here uses.
    login_manager.session_protection = None
    app.before_request(_enforce_session_rules)


def _account_query(account_id, token_hash, opened_after, person=False):
    """The account of an open session of it: one query, the same one every request (prepared)."""
    query = Account.select(Account, Authority).join_from(Account, Authority, JOIN.LEFT_OUTER)  # console pages name it
    if person:  # the portal's pages name the person
        query = query.select_extend(Accountant).join_from(Account, Accountant, JOIN.LEFT_OUTER)
    return query.join_from(Account, AccountSession).where(
        Account.id == account_id,
        AccountSession.token_hash == token_hash,
        AccountSession.created_at > opened_after,
        AccountSession.ended_at.is_null(),
        Account.is_enabled,
    )


_SIGNED_IN = {person: Prepared(partial(_account_query, person=person)) for person in (False, True)}


@login_manager.user_loader
def _load_account(account_id):
    """The account while its session is open on the server: a cookie kept after sign-out, a password change
    or the account's disabling opens nothing."""
    token = session.get("token")
    if not token or not account_id.isdigit():
        return None
    query = _SIGNED_IN[request.path.startswith("/portal")]
    return query.first(int(account_id), sessions.token_hash(token), sessions.oldest_open())


def _enforce_session_rules():
    if (request.endpoint or "").endswith("static") or not current_user.is_authenticated:
        return None  # static files leave the session alone
    now = clock.now()
    last_seen = session.get("last_seen")
    if last_seen and now.timestamp() - last_seen > current_app.config["IDLE_TIMEOUT"].total_seconds():
        audit.record("session.timeout")
        login_page = url_for(login_endpoint(), next=request.full_path)
        _end_session("长时间未操作")
        flash("长时间未操作，已自动退出，请重新登录", "warning")
        return redirect(login_page)
    session["last_seen"] = now.timestamp()
    if current_user.must_change_password and request.endpoint not in PASSWORD_CHANGE_EXEMPT:
        return redirect(url_for("console_auth.password"))
    return None


def login_endpoint():
    """Accountants (unit heads among them) sign in on the portal, staff on the console."""
    if request.blueprint == "portal" or current_user.accountant_id is not None:
        return "portal.login"
    return "console_auth.login"


def open_session(account):
    """A fresh session, on the server and in the cookie, for an account the sign-in rules admitted (or whose
    password just changed, every other session of it ended)."""
    session.clear()
    session["token"] = sessions.open_for(account)
    login_user(account)
    session.permanent = True
    session["last_seen"] = clock.now().timestamp()


def _end_session(why):
    sessions.end(session.get("token"), why)
    logout_user()
    session.clear()


def sign_out(then):
    """End the session (if any), on the server too, and go to the sign-in page `then`."""
    if current_user.is_authenticated:
        audit.record("logout")
    _end_session("退出登录")
    flash("已退出登录", "success")
    return redirect(url_for(then))


def safe_next(target, fallback):
    """Only a path of this site: no scheme, no host, no '//' or backslash tricks."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    return target


def captcha_passes(answer):
    """Whether the answer is that of the captcha this session was shown; the captcha is used up either way."""
    return captcha.verify(session.pop("captcha", None), answer)


def accountants_only():
    """A blueprint's before_request for the portal: accountants (unit heads among them) only."""
    if not is_accountant(current_user):
        return deny()
    return None


def accountant_required(view):
    """The same guard for one route of a blueprint that also serves others."""

    @wraps(view)
    def guarded(*args, **kwargs):
        return accountants_only() or view(*args, **kwargs)

    return guarded


def deny():
    """The answer to a request its user may not make: anonymous → sign in; signed in → 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    abort(403)
