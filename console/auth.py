"""Sign-in rules shared by the console and the portal: lock after repeated failures,
idle timeout, forced password change, safe `next` redirects and role checks."""
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from peewee import JOIN

from console import audit, clock, verification
from console.errors import RuleViolation
from console.extensions import login_manager
from console.passwords import check_strength, hash_password, password_matches
from models import Account, Authority

# Endpoints a signed-in user may reach while a password change is pending.
PASSWORD_CHANGE_EXEMPT = {"console_auth.password", "console_auth.logout", "static", "public.captcha_image"}


def init_app(app):
    login_manager.init_app(app)
    login_manager.login_view = "console_auth.login"
    login_manager.blueprint_login_views = {"portal": "portal.login"}
    login_manager.login_message = "请先登录"
    # "basic" protection rewrites an anonymous session on its first request; parallel requests (the
    # captcha image, static files) then overwrite each other's cookies. It only serves
    # fresh_login_required, which nothing here uses.
    login_manager.session_protection = None
    app.before_request(_enforce_session_rules)


@login_manager.user_loader
def _load_account(account_id):
    """A disabled account's open sessions end with it."""
    return (Account.select(Account, Authority).join(Authority, JOIN.LEFT_OUTER)  # every console page names it
            .where(Account.id == int(account_id), Account.is_enabled).first())


def _enforce_session_rules():
    if (request.endpoint or "").endswith("static") or not current_user.is_authenticated:
        return None  # static files leave the session alone
    now = clock.now()
    last_seen = session.get("last_seen")
    if last_seen and now.timestamp() - last_seen > current_app.config["IDLE_TIMEOUT"].total_seconds():
        audit.record("session.timeout")
        login_page = url_for(login_endpoint(), next=request.full_path)
        logout_user()
        session.clear()
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


def lock_message(account):
    until = clock.to_beijing(account.locked_until)
    return f"登录失败次数过多，账号已锁定至 {until:%Y-%m-%d %H:%M}（北京时间），请届时再试"


def sign_in(account, password, typed_name):
    """Check the password against the lock rules; on success start a fresh session."""
    _refuse_unknown_or_locked(account, typed_name)
    if not password_matches(account.password_hash, password):
        _count_failure(account, clock.now())
    _start_session(account)


def sign_in_with_code(account, phone, code, typed_name):
    """Sign in by phone and SMS code (Chongqing); the code's own limits stand in for the password's."""
    _refuse_unknown_or_locked(account, typed_name)
    try:
        verification.check_code(phone, "login", code)
    except RuleViolation:
        audit.record("login.failure", account, {"原因": "短信验证码错误"}, actor=account)
        raise
    _start_session(account)


def _refuse_unknown_or_locked(account, typed_name):
    if account is None:
        audit.record("login.failure", detail={"原因": "账号不存在"}, actor_name=typed_name)
        raise RuleViolation("账号或密码错误")
    if account.locked_until and account.locked_until > clock.now():
        audit.record("login.refused", account, actor=account)
        raise RuleViolation(lock_message(account))


def _start_session(account):
    if not account.is_enabled:
        audit.record("login.failure", account, {"原因": "账号已停用"}, actor=account)
        raise RuleViolation("账号已停用，请联系管理员")
    if account.accountant and account.accountant.archive_state == "abnormal":
        audit.record("login.failure", account, {"原因": "已转入异动库"}, actor=account)
        raise RuleViolation("您的会计人员档案已转入异动库，不能登录，请联系当地会计管理部门申请恢复")
    now = clock.now()
    account.failed_logins = 0
    account.locked_until = None
    account.last_login_at = now
    account.save()
    session.clear()
    login_user(account)
    session.permanent = True
    session["last_seen"] = now.timestamp()
    audit.record("login.success", account, actor=account)


def _count_failure(account, now):
    account.failed_logins += 1
    if account.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
        account.failed_logins = 0
        account.locked_until = now + current_app.config["LOGIN_LOCK_DURATION"]
        account.save()
        audit.record("login.locked", account, {"锁定至": account.locked_until}, actor=account)
        raise RuleViolation(lock_message(account))
    account.save()
    audit.record("login.failure", account, {"原因": "密码错误", "连续失败次数": account.failed_logins}, actor=account)
    raise RuleViolation("账号或密码错误")


def sign_out(then):
    """End the session (if any) and go to the sign-in page `then`."""
    if current_user.is_authenticated:
        audit.record("logout")
        logout_user()
    session.clear()
    flash("已退出登录", "success")
    return redirect(url_for(then))


def change_password(account, current, new, rule):
    if not password_matches(account.password_hash, current):
        raise RuleViolation("原密码不正确")
    if new == current:
        raise RuleViolation("新密码不能与原密码相同")
    check_strength(new, **rule)
    account.password_hash = hash_password(new)
    account.must_change_password = False
    account.save()
    audit.record("password.change", account)


def safe_next(target, fallback):
    """Only a path of this site: no scheme, no host, no '//' or backslash tricks."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    return target


def accountants_only():
    """A blueprint's before_request for the portal: accountants (unit heads among them) only."""
    if not current_user.is_authenticated or current_user.accountant_id is None:
        return deny()
    return None


def deny():
    """The answer to a request its user may not make: anonymous → sign in; signed in → 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    abort(403)
