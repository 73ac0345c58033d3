"""Accountant registration and the look-ups of each profile's sign-in modes (000, 001, 002 §三, 003 §1)."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from peewee import IntegrityError

from console.archive import duplicates, transfers
from console.errors import RuleViolation
from console.infra import audit, clock
from console.org.routing import authority_for_region
from console.people import sessions, verification
from console.people.identity import check_id, name_problem
from console.people.passwords import check_strength, hash_password
from console.people.phones import check_mobile
from models import Account, Accountant, Authority, db

USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,19}$")


@dataclass
class Applicant:
    name: str
    id_type: str
    id_number: str
    phone: str
    password: str
    sms_code: str
    username: str = ""


def checked_applicant(profile, applicant, password=True):
    """(identity, name, phone) once everything the applicant typed holds by itself: checked before an SMS
    code is spent on it (the password is typed after the code, a page that re-shows keeps no password),
    and again, with the password, at registration."""
    identity = _checked(lambda: check_id(applicant.id_type, applicant.id_number), "id_number")
    name = applicant.name.strip()
    if name_problem(name):
        raise RuleViolation(name_problem(name), "name")
    phone = check_mobile(applicant.phone)
    if "username_password_captcha" in profile.login_modes:
        _check_username(applicant.username.strip())
    if password:
        _checked(lambda: check_strength(applicant.password, **profile.accountant_password), "password")
    return identity, name, phone


def register(profile, applicant):
    """Create the accountant's archive record and account; everything is checked before anything is written.
    Someone whose archive arrived from another province (调入) finds it, and the account is made for it; someone
    archived in another province is told to transfer instead (E-2)."""
    identity, name, phone = checked_applicant(profile, applicant)
    uses_username = "username_password_captcha" in profile.login_modes
    username = applicant.username.strip() if uses_username else None
    _check_code(phone, "register", applicant.sms_code)  # only the phone's holder hears what is taken
    arrived = transfers.arrived_without_account(identity.id_type, identity.number)
    if arrived is None:
        _check_unique(identity, phone, username)
        duplicates.check_not_elsewhere(identity.id_type, identity.number, field="id_number")
    else:  # its ID and phone are the record's own
        transfers.check_arrival(arrived, name, phone)
        _check_username_free(username)
    root = Authority.get(Authority.code == profile.province_code)
    try:
        return _create(applicant, identity, name, phone, uses_username, root, arrived)
    except IntegrityError:  # someone registered the same ID or phone a moment ago: the index decides
        _check_unique(identity, phone, username)
        raise


def _create(applicant, identity, name, phone, uses_username, root, arrived=None):
    with db.atomic():
        now = clock.now()
        person = arrived or Accountant.create(
            id_type=identity.id_type,
            id_number=identity.number,
            id_tail=identity.number[-4:],
            name=name,
            gender=identity.gender,
            birth_date=identity.birth_date,
            phone=phone,
            authority=(identity.region_code and authority_for_region(identity.region_code)) or root,
            created_at=now,
        )
        account = Account.create(
            username=applicant.username.strip() if uses_username else None,
            role="accountant",
            password_hash=hash_password(applicant.password),
            display_name=name,
            accountant=person,
            created_at=now,
        )
        audit.record("accountant.register", person, {"证件类型": identity.id_type}, actor=account)
    return account


def _checked(check, field):
    try:
        return check()
    except RuleViolation as violation:
        raise RuleViolation(str(violation), field) from violation


def _check_code(recipient, purpose, code, channel="sms"):
    if not (code or "").strip():
        raise RuleViolation("请输入短信验证码" if channel == "sms" else "请输入邮箱验证码", "sms_code")
    _checked(lambda: verification.check_code(recipient, purpose, code, channel=channel), "sms_code")


def _check_username(username):
    if not USERNAME.match(username):
        raise RuleViolation("用户名为 4-20 位字母、数字或下划线，以字母开头", "username")


def _check_unique(identity, phone, username=None):
    """What another registration holds already: told only once the SMS code to the phone was verified."""
    _check_username_free(username)
    holder = Accountant.get_or_none(Accountant.id_type == identity.id_type, Accountant.id_number == identity.number)
    if holder is not None:
        bureau = holder.authority
        phones = "、".join(bureau.phone_list) or "见咨询电话页面"
        raise RuleViolation(f"证件号已被占用，请联系当地会计管理部门：{bureau.name}（电话 {phones}）", "id_number")
    if Accountant.select().where(Accountant.phone == phone).exists():
        raise RuleViolation("该手机号已与其他证件号绑定，一个手机号只能对应一个证件号", "phone")


def _check_username_free(username):
    if username and Account.select().where(Account.username == username).exists():
        raise RuleViolation("用户名已存在，请修改用户名重新注册", "username")


def account_by_id_number(id_number):
    number = re.sub(r"\s", "", id_number or "").upper()
    return (
        Account.select()
        .join(Accountant)
        .where(Accountant.id_number == number, Account.accountant.is_null(False))
        .first()
    )


def account_by_phone(phone):
    return (
        Account.select()
        .join(Accountant)
        .where(Accountant.phone == (phone or "").strip(), Account.accountant.is_null(False))
        .first()
    )


def account_by_username(username):
    return Account.get_or_none(Account.username == (username or "").strip(), Account.accountant.is_null(False))


def account_by_name_and_id(name, id_number):
    """Bingtuan signs in by name and ID number together (000 §3)."""
    account = account_by_id_number(id_number)
    return account if account and account.accountant.name == (name or "").strip() else None


@dataclass(frozen=True)
class SignInMode:
    label: str
    fields: tuple  # what the person types
    find: Callable  # the account those answers name


# The portal's sign-in modes (000 §3, 001, 002 §三, 003 §1), the one table a profile names them from.
SIGN_IN_MODES = {
    "id_password_captcha": SignInMode(
        "证件号码登录", ("id_number", "password", "captcha"), lambda data: account_by_id_number(data["id_number"])
    ),
    "username_password_captcha": SignInMode(
        "用户名登录", ("username", "password", "captcha"), lambda data: account_by_username(data["username"])
    ),
    "name_id_password": SignInMode(
        "姓名证件号登录",
        ("name", "id_number", "password"),
        lambda data: account_by_name_and_id(data["name"], data["id_number"]),
    ),
    "id_password": SignInMode(
        "证件号码登录", ("id_number", "password"), lambda data: account_by_id_number(data["id_number"])
    ),
    "phone_sms": SignInMode(
        "手机验证码登录", ("phone", "captcha", "sms_code"), lambda data: account_by_phone(data["phone"])
    ),
}


def send_register_code(profile, applicant):
    """The registration's SMS code, once the rest of the form holds by itself; whether the ID or the phone is
    taken is told only after the code is verified (register), so that sending tells nobody who is here."""
    _, _, phone = checked_applicant(profile, applicant, password=False)
    _checked(lambda: verification.send_code(phone, "register"), "sms_code")


def send_account_code(recipient, purpose, channel="sms"):
    """A login or password-reset code, sent only to a phone (or a verified e-mail) that has an account, with
    the same answer and the same limits when none has: the answer tells nobody who has an account."""
    recipient, account = _account_of(recipient, channel)
    send = partial(verification.send_code, recipient, purpose, channel=channel, deliver=account is not None)
    _checked(send, "sms_code")


def _account_of(recipient, channel):
    """(the recipient as typed right, its account or None)."""
    if channel == "email":
        address = (recipient or "").strip()
        return address, account_by_email(address)
    phone = check_mobile(recipient)
    return phone, account_by_phone(phone)


def account_by_email(address):
    return (
        Account.select().join(Accountant).where(Accountant.email == address, Account.accountant.is_null(False)).first()
        if address
        else None
    )


def reset_password(profile, recipient, code, password, channel="sms"):
    recipient, account = _account_of(recipient, channel)
    _checked(lambda: check_strength(password, **profile.accountant_password), "password")
    _check_code(recipient, "reset_password", code, channel)  # no account, no code was sent: refused here
    if account is None:  # the account went since its code was sent
        raise RuleViolation("验证码已失效，请重新获取", "sms_code")
    account.password_hash = hash_password(password)
    account.failed_logins, account.locked_until = 0, None
    account.save()
    sessions.end_all(account, "找回密码")
    audit.record("password.reset", account, actor=account)
