"""联系方式导入: the authorities' phones, addresses and office hours from a CSV or XLSX file of
(机构编号, 联系电话, 地址, 办公时间), one authority a line, named by its code. Every line is checked first; one bad
line refuses the whole file with the errors by line, and nothing of it is written. An empty cell keeps what
the authority holds: no number is made up where the file gives none."""

from console.errors import RuleViolation
from console.imports import tables
from console.imports.tables import Errors, ImportRefused
from console.infra import audit, clock, memo
from console.people.phones import normalize_phones
from models import Authority, db

HEADER = ("机构编号", "联系电话", "地址", "办公时间")
MAX_ADDRESS = 200
MAX_HOURS = 100
FIELDS = ("phones", "address", "office_hours")


def import_file(filename, stream, account, scope=None):
    """Check and write one file; returns how many authorities it changed, or raises ImportRefused.
    `scope`: the ids of the authorities the admin keeps (None: all)."""
    known = {a.code: a for a in Authority.select()}
    rows, errors, seen = [], Errors(), {}
    for line, cells in tables.rows(filename, stream, HEADER):
        code, *values = (tables.text(c) for c in cells)
        try:
            authority = _authority(code, known, scope, seen.get(code))
            rows.append((authority, _contacts(*values)))
        except RuleViolation as problem:
            errors.add(line, str(problem))
        seen.setdefault(code, line)
    if errors:
        raise ImportRefused(errors)
    if not rows:
        raise RuleViolation("文件中没有数据行", "file")
    with db.atomic():
        for authority, contacts in rows:
            Authority.update(**contacts, edited_in_console=True, updated_at=clock.now()).where(
                Authority.id == authority.id
            ).execute()
        audit.record("authority.contacts_import", detail={"文件": filename, "机构数": len(rows)}, actor=account)
    memo.forget()
    return len(rows)


def _authority(code, known, scope, first_line):
    if code and first_line:
        raise RuleViolation(f"与第 {first_line} 行是同一机构（编号 {code}）")
    return tables.authority_by_code(code, known, scope)


def _contacts(phones, address, hours):
    """The fields the line gives, checked; what it leaves empty is not among them."""
    if len(address) > MAX_ADDRESS:
        raise RuleViolation(f"地址超过 {MAX_ADDRESS} 字")
    if len(hours) > MAX_HOURS:
        raise RuleViolation(f"办公时间超过 {MAX_HOURS} 字")
    given = dict(zip(FIELDS, (normalize_phones(phones), address, hours), strict=True))
    if not any(given.values()):
        raise RuleViolation("联系电话、地址和办公时间都为空")
    return {field: value for field, value in given.items() if value}
