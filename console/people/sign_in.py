"""Sign-in rules shared by the console and the portal: who may sign in, the lock after repeated
failures, the password change, and the first sign-in of someone in the old certificate database.
The session itself is the web layer's (views.auth)."""

import hmac

from flask import current_app
from peewee import Case

from console.errors import RuleViolation
from console.infra import audit, clock
from console.org.routing import authority_for_region
from console.people import sessions, verification
from console.people.identity import mask_id
from console.people.passwords import check_nothing, check_strength, hash_password, outdated, password_matches
from models import Account, Accountant, Authority, LegacyRecord, db


def lock_message(until):
    return f"登录失败次数过多，账号已锁定至 {clock.to_beijing(until):%Y-%m-%d %H:%M}（北京时间），请届时再试"


def by_password(account, password, typed_name):
    """The account, once its password holds against the lock rules; RuleViolation otherwise. An unknown
    name costs a password check too, so the time of the answer does not tell which names exist."""
    if account is None:
        check_nothing(password)
        _refuse_unknown(typed_name)
    _take_try(account)
    if not password_matches(account.password_hash, password):
        _count_failure(account)
    if outdated(account.password_hash):
        account.password_hash = hash_password(password)
        Account.update(password_hash=account.password_hash).where(Account.id == account.id).execute()
    return _admit(account)


def by_code(account, phone, code, typed_name):
    """Sign in by phone and SMS code (Chongqing); the code's own limits stand in for the password's. No code
    goes to a phone without an account, so an unknown phone is refused as a wrong code is."""
    try:
        verification.check_code(phone, "login", code)
    except RuleViolation:
        audit.record("login.failure", account, {"原因": "短信验证码错误"}, actor=account, actor_name=typed_name)
        raise
    if account is None:
        _refuse_unknown(typed_name)
    _refuse_locked(account)
    return _admit(account)


def _refuse_unknown(typed_name):
    audit.record("login.failure", detail={"原因": "账号不存在"}, actor_name=typed_name)
    raise RuleViolation("账号或密码错误")


def _refuse_locked(account):
    if account.locked_until and account.locked_until > clock.now():
        audit.record("login.refused", account, actor=account)
        raise RuleViolation(lock_message(account.locked_until))


def _take_try(account):
    """Count the try before its password is checked, in one conditional UPDATE that also refuses: of any
    number of tries at once, at most LOGIN_MAX_FAILURES are checked before the account locks. A lock that
    has run out is lifted by the same statement."""
    now, limit = clock.now(), current_app.config["LOGIN_MAX_FAILURES"]
    lapsed = Account.locked_until.is_null(False) & (Account.locked_until <= now)
    taken = (
        Account.update(
            failed_logins=Case(None, [(lapsed, 1)], Account.failed_logins + 1),
            locked_until=Case(None, [(lapsed, None)], Account.locked_until),
        )
        .where(Account.id == account.id, (Account.failed_logins < limit) | lapsed)
        .execute()
    )
    if not taken:
        audit.record("login.refused", account, actor=account)
        locked_until = Account.get_by_id(account.id).locked_until or now + current_app.config["LOGIN_LOCK_DURATION"]
        raise RuleViolation(lock_message(locked_until))


def _admit(account):
    if not account.is_enabled:
        audit.record("login.failure", account, {"原因": "账号已停用"}, actor=account)
        raise RuleViolation("账号已停用，请联系管理员")
    if account.accountant and account.accountant.archive_state == "abnormal":
        audit.record("login.failure", account, {"原因": "已转入异动库"}, actor=account)
        raise RuleViolation("您的会计人员档案已转入异动库，不能登录，请联系当地会计管理部门申请恢复")
    now = clock.now()
    Account.update(failed_logins=0, locked_until=None, last_login_at=now).where(Account.id == account.id).execute()
    account.failed_logins, account.locked_until, account.last_login_at = 0, None, now
    audit.record("login.success", account, actor=account)
    return account


def _count_failure(account):
    """The try was counted by _take_try; the one that reached the limit locks the account."""
    now, limit = clock.now(), current_app.config["LOGIN_MAX_FAILURES"]
    until = now + current_app.config["LOGIN_LOCK_DURATION"]
    locked = (
        Account.update(locked_until=until)
        .where(Account.id == account.id, Account.failed_logins >= limit, Account.locked_until.is_null())
        .execute()
    )
    if locked:
        audit.record("login.locked", account, {"锁定至": until}, actor=account)
        raise RuleViolation(lock_message(until))
    failures = Account.get_by_id(account.id).failed_logins
    audit.record("login.failure", account, {"原因": "密码错误", "连续失败次数": failures}, actor=account)
    raise RuleViolation("账号或密码错误")


def change_password(account, current, new, rule):
    """Every session of the account ends with its old password (the web layer opens a new one for the
    browser that changed it)."""
    if not password_matches(account.password_hash, current):
        raise RuleViolation("原密码不正确")
    if new == current:
        raise RuleViolation("新密码不能与原密码相同")
    check_strength(new, **rule)
    account.password_hash = hash_password(new)
    account.must_change_password = False
    account.save()
    sessions.end_all(account, "修改密码")
    audit.record("password.change", account)


def legacy_first_sign_in(profile, id_number, password):
    """Someone of the old database signing in for the first time with the profile's initial password, which
    anyone who knows their ID number could type: the old record, to whose phone a code now goes (the person
    proves the phone before an account is made, complete_legacy_sign_in). None when this is not such a
    sign-in; RuleViolation when the old record holds no phone the person could prove."""
    initial = profile.legacy_initial_password
    record = LegacyRecord.get_or_none(LegacyRecord.id_number == (id_number or "").strip().upper())
    if not initial or record is None or not hmac.compare_digest(password.encode(), initial.encode()):
        return None
    if not record.phone or Accountant.select().where(Accountant.phone == record.phone).exists():
        raise RuleViolation("原数据中没有您的手机号码或该号码已被使用，请先注册后再登录", "id_number")
    verification.send_code(record.phone, "legacy_login")
    audit.record("login.legacy_code", detail={"证件号码": mask_id(record.id_number)}, actor_name=record.name)
    return record


def legacy_phone(id_number):
    record = LegacyRecord.get_or_none(LegacyRecord.id_number == id_number)
    return record.phone if record else ""


def complete_legacy_sign_in(profile, id_number, code):
    """The first sign-in of an old-database person whose code to the old record's phone holds: their archive
    record and account are made now, the initial password to be changed at once."""
    record = LegacyRecord.get_or_none(LegacyRecord.id_number == id_number)
    if record is None or Account.select().join(Accountant).where(Accountant.id_number == id_number).exists():
        raise RuleViolation("请重新登录", "sms_code")  # signed up meanwhile, or the record went
    try:
        verification.check_code(record.phone, "legacy_login", code)
    except RuleViolation as refusal:
        raise RuleViolation(str(refusal), "sms_code") from refusal
    with db.atomic():
        now = clock.now()
        person = Accountant.create(
            id_type=record.id_type,
            id_number=record.id_number,
            id_tail=record.id_number[-4:],
            name=record.name,
            gender=record.gender,
            birth_date=record.birth_date,
            phone=record.phone,
            created_at=now,
            authority=authority_for_region(record.id_number[:6])
            or Authority.get(Authority.code == profile.province_code),
        )
        account = Account.create(
            role="accountant",
            password_hash=hash_password(profile.legacy_initial_password),
            display_name=record.name,
            accountant=person,
            must_change_password=True,
            created_at=now,
        )
        audit.record("accountant.register", person, {"来源": "原数据首次登录"}, actor=account)
    return account
