"""审核人员账号导入: many staff accounts at once from a CSV or XLSX file of (用户名, 姓名, 手机号, 机构编号, 角色),
uploaded by an admin for the authorities it keeps. Every line is checked first; one bad line refuses the whole
file with the errors by line, and nothing of it is written. Otherwise every account is created in one
transaction with a one-time password (changed at the first sign-in), sent by SMS to the phone of its line; the
phone is not kept (an account has none), and the password is shown nowhere else: not on the page, not in the
audit log."""

from dataclasses import dataclass
from functools import partial

from peewee import IntegrityError

from console.errors import RuleViolation
from console.imports import tables
from console.imports.tables import Errors, ImportRefused
from console.infra import audit, messages, notifier
from console.org.access import administered_authorities
from console.people.phones import is_mobile
from console.people.registration import USERNAME
from console.people.staff import create_staff_account
from console.profiles import current_profile
from models import Account, Authority, db

HEADER = ("用户名", "姓名", "手机号", "机构编号", "角色")
# Each one-time password is hashed with argon2id (25-50 ms): 500 take at most 25 s of a request's 60.
MAX_ACCOUNTS = 500
MAX_NAME = 30
REVIEWER, ADMIN = "审核人员", "省级管理员"
ROLES = {REVIEWER: "reviewer", ADMIN: "province_admin"}


@dataclass(frozen=True)
class NewAccount:
    username: str
    display_name: str
    phone: str
    authority: Authority
    role: str


def import_file(filename, stream, account):
    """Check and write one file for the admin `account`; returns how many accounts it created, or raises
    ImportRefused (errors by line) or RuleViolation (the file itself)."""
    scope, seen = administered_authorities(account), {}
    known = {a.code: a for a in Authority.select()}
    checks = (
        partial(_username, seen),
        _display_name,
        _phone,
        lambda code: tables.authority_by_code(code, known, scope),
        partial(_role, scope),
    )
    new, errors = [], Errors()
    for line, cells in _rows(filename, stream):
        found = len(errors)
        values = [_checked(errors, line, check, tables.text(cell)) for check, cell in zip(checks, cells, strict=True)]
        seen.setdefault(tables.text(cells[0]), line)
        if len(errors) == found:
            new.append(NewAccount(*values))
    if errors:
        raise ImportRefused(errors)
    if not new:
        raise RuleViolation("文件中没有数据行", "file")
    _create(filename, new, account)
    return len(new)


def _rows(filename, stream):
    for count, row in enumerate(tables.rows(filename, stream, HEADER), start=1):
        if count > MAX_ACCOUNTS:
            raise RuleViolation(f"一个文件最多 {MAX_ACCOUNTS} 个账号，请分成几个文件导入", "file")
        yield row


def _checked(errors, line, check, text):
    """The checked value, or None with the problem added to the line's errors: every cell of a line is
    checked, so one reading reports all that is wrong."""
    try:
        return check(text)
    except RuleViolation as problem:
        errors.add(line, str(problem))
        return None


def _create(filename, new, admin):
    try:
        with db.atomic():
            texts = [_created(one) for one in new]
            notifier.send_many("sms", texts)
            usernames = [one.username for one in new]
            audit.record(
                "account.import", detail={"文件": filename, "账号数": len(new), "账号": usernames}, actor=admin
            )
    except IntegrityError as error:  # a name taken since the file was checked: nothing of it stays
        raise RuleViolation("文件中的用户名刚被其他账号使用，未导入任何数据；请重新导入", "file") from error


def _created(new):
    """(phone, SMS) of the account made for one line."""
    account, password = create_staff_account(new.username, new.role, new.authority, display_name=new.display_name)
    return new.phone, messages.sms(current_profile, "staff_password", username=account.username, password=password)


def _username(seen, username):
    if not username:
        raise RuleViolation("用户名为空")
    if not USERNAME.match(username):
        raise RuleViolation(f"用户名“{username}”不符合要求：4-20 位字母、数字或下划线，以字母开头")
    if username in seen:
        raise RuleViolation(f"用户名“{username}”与第 {seen[username]} 行重复")
    if Account.select().where(Account.username == username).exists():
        raise RuleViolation(f"用户名“{username}”已被使用")
    return username


def _display_name(name):
    if not name:
        raise RuleViolation("姓名为空")
    if len(name) > MAX_NAME:
        raise RuleViolation(f"姓名超过 {MAX_NAME} 字")
    return name


def _phone(phone):
    if not is_mobile(phone):
        raise RuleViolation(f"手机号“{phone}”不是 11 位的手机号码" if phone else "手机号为空")
    return phone


def allowed_roles(scope):
    """审核人员 for any admin; 省级管理员 for the admin at the province alone (`scope` None): an admin below it
    adds reviewers to its tree, not other admins."""
    return (REVIEWER, ADMIN) if scope is None else (REVIEWER,)


def _role(scope, label):
    allowed = allowed_roles(scope)
    if label in allowed:
        return ROLES[label]
    if label == ADMIN:
        raise RuleViolation("省级管理员账号只能由省本级的管理员导入")
    said = "或".join(f"“{role}”" for role in allowed)
    raise RuleViolation(f"角色“{label}”不正确，应为{said}" if label else "角色为空")
