"""原会计从业资格档案: the old certificate database, imported so that its people find the wizard prefilled
(001 图1-4) and, where the profile says so, sign in the first time with its initial password (002 §三.1).

An import checks every row first (each column, then the file against itself and the archive: one phone
↔ one ID) and writes nothing when any is wrong. A row is keyed by ID type and number: a new one is
added, a changed one updated, an unchanged one left alone, so importing the same file again changes
nothing."""

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from stdnum.cn import uscc as uscc_code

from console.errors import RuleViolation
from console.imports import tables
from console.imports.tables import Errors, ImportRefused, RowError
from console.infra import audit, clock, dictionaries, jobs
from console.infra.batches import chunks, insert_rows
from console.people.identity import check_id, mask_id
from console.people.phones import is_mobile
from models import (
    Accountant,
    LegacyRecord,
    db,
)
from models.accountant import GENDERS, ID_TYPES

# The old database's columns, in the file's order, and the record's fields they fill. A file of the first
# ORIGINAL columns (the format before the rest were kept) is still taken: the columns it lacks stay as held.
COLUMNS = (
    ("姓名", "name"),
    ("证件类型", "id_type"),
    ("证件号码", "id_number"),
    ("性别", "gender"),
    ("出生日期", "birth_date"),
    ("手机号码", "phone"),
    ("单位统一社会信用代码", "unit_uscc"),
    ("单位名称", "unit_name"),
    ("学历", "education_level"),
    ("专业技术资格", "qualification_level"),
    ("原证书编号", "certificate_no"),
    ("开始从事会计工作时间", "work_started_on"),
    ("民族", "ethnicity"),
    ("政治面貌", "political_status"),
    ("学历专业", "education_major"),
    ("毕业院校", "education_school"),
    ("毕业日期", "graduated_on"),
    ("学位", "education_degree"),
    ("岗位", "post"),
    ("专业技术资格类型", "qualification_kind"),
    ("专业技术资格取得时间", "qualification_acquired_on"),
)
HEADER = tuple(header for header, _ in COLUMNS)
FIELDS = tuple(field for _, field in COLUMNS)
ORIGINAL = 12
# The columns checked against a 字典, by its kind.
LISTED = {
    "education_level": "education_level",
    "qualification_level": "qualification_level",
    "ethnicity": "ethnicity",
    "political_status": "political_status",
    "education_degree": "degree",
    "post": "post",
    "qualification_kind": "qualification_kind",
}
LIMITS = {"unit_name": 100, "certificate_no": 50, "education_major": 50, "education_school": 100}  # characters
ID_TYPE_BY_LABEL = {label: key for key, label in ID_TYPES}
GENDER_BY_LABEL = {label: key for key, label in GENDERS}


@dataclass(frozen=True, slots=True)  # a million of them are held while the file is checked
class LegacyRow:
    name: str
    id_type: str
    id_number: str
    gender: str | None
    birth_date: date | None
    phone: str
    unit_uscc: str
    unit_name: str
    education_level: str
    qualification_level: str
    certificate_no: str
    work_started_on: date | None
    ethnicity: str
    political_status: str
    education_major: str
    education_school: str
    graduated_on: date | None
    education_degree: str
    post: str
    qualification_kind: str
    qualification_acquired_on: date | None


def import_file(filename, stream, account, progress=None):
    """Check and import one file; returns {"新增": n, "更新": n, "未变": n}, or raises ImportRefused. The file
    is read twice: to check every row, keeping only who and which phone is on which line, then to write,
    1,000 rows at a time, so that a file of a million rows is never held whole."""
    progress = progress or jobs.Untracked()
    today = clock.today()
    known = {kind: set(dictionaries.active_names(kind)) for kind in set(LISTED.values())}
    progress.begin("检查")
    columns, lines = _rows(filename, stream)
    found, errors = parse(progress.counted(lines), known, today)
    errors += _phones_taken(found)
    if errors:
        raise ImportRefused(errors)
    if not found:
        raise RuleViolation("文件中没有数据行")
    _, lines = _rows(filename, stream)
    checked = (row for _, cells in lines if (row := _row(cells, known, today)[0]))
    counts = {"新增": 0, "更新": 0, "未变": 0}
    now = clock.now()
    progress.begin("写入", len(found))
    with db.atomic():
        for chunk in chunks(checked, 1000):
            held = {
                (r.id_type, r.id_number): r
                for r in LegacyRecord.select().where(LegacyRecord.id_number.in_([row.id_number for row in chunk]))
            }
            new = [row for row in chunk if (row.id_type, row.id_number) not in held]
            changed = [
                (held[key], given)
                for row in chunk
                if (key := (row.id_type, row.id_number)) in held
                and _values(held[key], columns) != (given := _values(row, columns))
            ]
            insert_rows(
                LegacyRecord,
                [*(LegacyRecord._meta.fields[f] for f in FIELDS), LegacyRecord.imported_at],
                [(*(getattr(row, f) for f in FIELDS), now) for row in new],
            )
            for record, given in changed:
                LegacyRecord.update(**given, imported_at=now).where(LegacyRecord.id == record.id).execute()
            counts["新增"] += len(new)
            counts["更新"] += len(changed)
            counts["未变"] += len(chunk) - len(new) - len(changed)
            progress.advance(len(chunk))
        audit.record("legacy.import", detail={"文件": filename, **counts}, actor=account, system=account is None)
    return counts


def _rows(filename, stream):
    """(the fields the file's header names, its rows): the whole HEADER, or its first ORIGINAL columns and no
    more of HEADER's; any other header is refused as the whole HEADER's."""
    try:
        return FIELDS, _read(filename, stream, HEADER)
    except RuleViolation as refused:
        if _has(filename, stream, HEADER[: ORIGINAL + 1]) or not _has(filename, stream, HEADER[:ORIGINAL]):
            raise refused from None
        return FIELDS[:ORIGINAL], _read(filename, stream, HEADER[:ORIGINAL])


def _read(filename, stream, header):
    stream.seek(0)
    return tables.rows(filename, stream, header)


def _has(filename, stream, header):
    """Whether the file's header begins with these columns."""
    try:
        _read(filename, stream, header)
    except RuleViolation:
        return False
    return True


def parse(lines, known, today):
    """({(id type, number): (line, phone)}, [RowError]); every column of a row is checked, and a number or
    phone given twice is an error at the second line."""
    found, errors, phones = {}, Errors(), {}
    for line, cells in lines:
        row, problems = _row(cells, known, today)
        for problem in problems:
            errors.add(line, problem)
        if row is None:
            continue
        key = (row.id_type, row.id_number)
        if key in found:
            errors.add(line, f"证件号码：与第 {found[key][0]} 行重复")
            continue
        if row.phone and phones.get(row.phone, (None, key))[1] != key:
            errors.add(line, f"手机号码：与第 {phones[row.phone][0]} 行相同，一个手机号只能对应一个证件号")
            continue
        found[key] = (line, row.phone)
        if row.phone:
            phones[row.phone] = (line, key)
    return found, errors


def _row(cells, known, today):
    """A LegacyRow, or None with every column's problem named by its column, in the file's order; a column the
    file lacks is empty."""
    values = dict(zip(FIELDS, cells))
    problems = []

    def check(column, convert):
        try:
            return convert(values.get(column))
        except (RuleViolation, ValueError) as problem:
            at = FIELDS.index(column)
            problems.append((at, f"{HEADER[at]}：{problem}"))
            return None

    row = {"name": check("name", _name), "id_type": check("id_type", _id_type)}
    id_type = row["id_type"]
    identity = check("id_number", lambda v: check_id(id_type, tables.text(v), today)) if id_type else None
    row["id_number"] = identity.number if identity else None
    row["gender"] = check("gender", lambda v: _gender(v, identity))
    row["birth_date"] = check("birth_date", lambda v: _birth_date(v, identity, today))
    row["phone"] = check("phone", _phone)
    row["unit_uscc"] = check("unit_uscc", _uscc)
    for column, limit in LIMITS.items():
        row[column] = check(column, lambda v, limit=limit: _short(v, limit))
    for column, kind in LISTED.items():
        row[column] = check(column, lambda v, kind=kind: _listed(v, known[kind]))
    for column in ("work_started_on", "graduated_on", "qualification_acquired_on"):
        row[column] = check(column, lambda v: _past_date(v, today))
    if problems:
        return None, [text for _, text in sorted(problems)]
    return LegacyRow(**row), []


def _name(value):
    name = tables.text(value)
    if not name or len(name) > 50:
        raise ValueError("不能为空，且不超过 50 字")
    return name


def _id_type(value):
    label = tables.text(value) or "居民身份证"
    if label not in ID_TYPE_BY_LABEL:
        raise ValueError(f"应为 {'、'.join(ID_TYPE_BY_LABEL)} 之一")
    return ID_TYPE_BY_LABEL[label]


def _gender(value, identity):
    label = tables.text(value)
    if label and label not in GENDER_BY_LABEL:
        raise ValueError("应为 男 或 女")
    gender = GENDER_BY_LABEL.get(label) or (identity.gender if identity else None)
    if identity and identity.gender and gender != identity.gender:
        raise ValueError("与证件号码不一致")
    return gender


def _birth_date(value, identity, today):
    born = _date(value) or (identity.birth_date if identity else None)
    if identity and identity.birth_date and born != identity.birth_date:
        raise ValueError("与证件号码不一致")
    if born and born > today:
        raise ValueError("晚于今天")
    return born


def _phone(value):
    phone = tables.text(value)
    if phone and not is_mobile(phone):
        raise ValueError("应为 11 位手机号码")
    return phone


@lru_cache(maxsize=65536)
def _valid_uscc(code):
    return uscc_code.is_valid(code)  # an export names the same units again and again


def _uscc(value):
    code = tables.text(value).upper()
    if code and not _valid_uscc(code):
        raise ValueError("不是有效的 18 位统一社会信用代码")
    return code


def _short(value, limit):
    text = tables.text(value)
    if len(text) > limit:
        raise ValueError(f"不超过 {limit} 字")
    return text


def _listed(value, allowed):
    text = tables.text(value)
    if text and text not in allowed:
        raise ValueError(f"“{text}”不在字典中")
    return text


def _past_date(value, today):
    day = _date(value)
    if day and day > today:
        raise ValueError("晚于今天")
    return day


def _date(value):
    """A date from an XLSX date cell, or from text as 2015-03-01, 2015/3/1 or 20150301."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = tables.text(value)
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"“{text}”不是日期，应写作 2015-03-01")


def _phones_taken(found):
    """One phone ↔ one ID: a phone of the file that the archive or an earlier import holds for someone else."""
    by_phone = {phone: (line, key) for key, (line, phone) in found.items() if phone}
    errors = []
    for chunk in chunks(list(by_phone), 1000):
        holders = list(
            Accountant.select(Accountant.phone, Accountant.id_type, Accountant.id_number)
            .where(Accountant.phone.in_(chunk))
            .tuples()
        )
        holders += list(
            LegacyRecord.select(LegacyRecord.phone, LegacyRecord.id_type, LegacyRecord.id_number)
            .where(LegacyRecord.phone.in_(chunk))
            .tuples()
        )
        for phone, id_type, id_number in holders:
            line, key = by_phone[phone]
            if (id_type, id_number) != key:
                errors.append(
                    RowError(line, f"手机号码：已由证件号码 {mask_id(id_number)} 使用，一个手机号只能对应一个证件号")
                )
    return errors


def _values(record, columns):
    return {field: getattr(record, field) for field in columns}


# The old database's columns and the wizard's fields they stand for: what prefills a new collection, what the
# system pass compares and what the review diff shows as changed against the old record.
LEGACY_MAP = (
    ("personal", "name", "name"),
    ("personal", "gender", "gender"),
    ("personal", "birth_date", "birth_date"),
    ("personal", "ethnicity", "ethnicity"),
    ("personal", "political_status", "political_status"),
    ("post", "unit_uscc", "unit_uscc"),
    ("post", "post", "post"),
    ("full_time", "level", "education_level"),
    ("full_time", "degree", "education_degree"),
    ("full_time", "major", "education_major"),
    ("full_time", "school", "education_school"),
    ("full_time", "graduated_on", "graduated_on"),
    ("qualification", "level", "qualification_level"),
    ("qualification", "kind", "qualification_kind"),
    ("qualification", "acquired_on", "qualification_acquired_on"),
    ("qualification", "certificate_no", "certificate_no"),
    ("post", "work_started_on", "work_started_on"),
)
# the registration's, which signing in checked against the old record
REGISTERED = (("personal", "name"), ("personal", "gender"), ("personal", "birth_date"))


def held_answers(record):
    """{part: {field: value}} of what the old record holds, as the wizard's parts (personal, post, full_time,
    qualification) name it, without the registration's facts and without what it leaves empty."""
    held = {}
    for part, field, column in LEGACY_MAP:
        value = getattr(record, column)
        if (part, field) not in REGISTERED and value not in (None, ""):
            held.setdefault(part, {})[field] = value
    return held


def legacy_record(id_type, id_number):
    """The person's record in the old certificate database, if any."""
    return LegacyRecord.get_or_none(LegacyRecord.id_type == id_type, LegacyRecord.id_number == id_number)
