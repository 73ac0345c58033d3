"""国家平台报送: the archive in the fields of the 财政部《会计人员基本信息表》 (002 §一.1, §一.3, §十一), as the
national 会计人员信息管理系统 takes it from each province: a versioned format (docs/national-format.md), CSV for
people and JSON for systems, of everyone in the archive or of those whose record changed since a date.

Full ID numbers and phones are in it (it is the national report): only a province admin at the province level
makes it, and every export and download goes to the audit log.

The archive is read in keyset-paged batches of BATCH people: one query for the people with their unit, bureau
and the sections of their latest approved collection, and one each for their continuing-education credits,
confirmed credit records and work periods, whatever the batch's size; only one batch is held at a time."""

import csv
import io
import json
import re
from collections import namedtuple
from dataclasses import dataclass
from datetime import date, datetime

from peewee import JOIN, SQL, Case, fn

from console.archive import work_history
from console.archive.daily_rules import CreditRequirement
from console.collection import answers
from console.errors import RuleViolation
from console.infra import audit, clock, jobs, texts
from console.infra.database import plain_rows
from console.org.access import administered_authorities
from console.profiles import current_profile
from models import (
    Accountant,
    AuditEntry,
    Authority,
    Collection,
    CreditRecord,
    EducationCredit,
    PersonalSection,
    PostSection,
    QualificationSection,
    ReviewEvent,
    RuleChange,
    RuleRun,
    Unit,
    WorkPeriod,
    db,
)
from models.accountant import GENDERS, ID_TYPES
from models.choices import Choices
from models.collection import RESIDENCE_TYPES
from models.credit_record import CREDIT_KINDS, CREDIT_SOURCES

FORMAT = "accountant-basic-info"
FORMAT_VERSION = 1
BATCH = 2000
CHUNK = 1 << 16
FullTime, PartTime = answers.PARTS["full_time"], answers.PARTS["part_time"]
Award, Violation, Publication = (answers.PARTS[key] for key in ("awards", "violations", "publications"))


@dataclass(frozen=True)
class Column:
    """One field of the format: its stable key, its header in the 基本信息表, its type (text, date, yes_no,
    number, records) and the SQL it is read from (None: read beside the batch)."""

    key: str
    header: str
    kind: str = "text"
    source: object = None
    choices: Choices | None = None


def _education(prefix, part, label):
    return (
        Column(f"{prefix}_level", f"{label}最高学历", source=part.level),
        Column(f"{prefix}_degree", f"{label}最高学位", source=part.degree),
        Column(f"{prefix}_major", f"{label}所学专业", source=part.major),
        Column(f"{prefix}_school", f"{label}毕业院校", source=part.school),
        Column(f"{prefix}_graduated_on", f"{label}毕业时间", "date", part.graduated_on),
        Column(f"{prefix}_certificate_no", f"{label}学历证书编号", source=part.certificate_no),
        Column(f"{prefix}_in_school", f"{label}是否在校", "yes_no", part.in_school),
        Column(f"{prefix}_record_code", f"{label}学历电子备案表在线验证码", source=part.record_code),
    )


COLUMNS = (
    # 人员基本信息 (002 §六, §十)
    Column("id_type", "证件类型", source=Accountant.id_type, choices=ID_TYPES),
    Column("id_number", "证件号码", source=Accountant.id_number),
    Column("name", "姓名", source=Accountant.name),
    Column("gender", "性别", source=Accountant.gender, choices=GENDERS),
    Column("birth_date", "出生日期", "date", Accountant.birth_date),
    Column("nationality", "所属国家或地区", source=PersonalSection.nationality),
    Column("ethnicity", "民族", source=PersonalSection.ethnicity),
    Column("political_status", "政治面貌", source=PersonalSection.political_status),
    Column("phone", "手机号", source=Accountant.phone),
    Column("email", "邮箱", source=PersonalSection.email),
    # 档案与管理机构 (002 §一.2, §十三)
    Column("archived_on", "入库日期", "moment", Accountant.archived_at),
    Column("authority_code", "现会计人员管理机构编码", source=Authority.code),
    Column("authority_name", "现会计人员管理机构", source=Authority.name),
    Column("authority_region", "现会计人员管理地区", source=Authority.region_code),
    # 单位与岗位信息 (002 §七, §十)
    Column("has_unit", "是否有工作单位", "yes_no", Accountant.unit.is_null(False)),
    Column("on_duty", "是否在岗", "yes_no", Accountant.on_duty),
    Column("unit_uscc", "统一社会信用代码", source=Unit.uscc),
    Column("unit_name", "工作单位全称", source=Unit.name),
    Column("unit_region", "单位所在地区", source=Unit.region_code),
    Column("unit_address", "工作单位地址", source=Unit.address),
    Column("unit_phone", "单位联系电话", source=fn.COALESCE(fn.NULLIF(Unit.phone, ""), PostSection.unit_phone)),
    Column("unit_economic_type", "单位经济类型", source=Unit.economic_type),
    Column("unit_industry", "所属行业", source=Unit.industry),
    Column("post", "现从事会计工作岗位", source=PostSection.post),
    Column("admin_post", "会计行政职务", source=PostSection.admin_post),
    Column("tech_post", "会计专业技术职务", source=PostSection.tech_post),
    Column("tech_post_appointed_on", "会计专业技术职务聘任时间", "date", PostSection.tech_post_appointed_on),
    Column("joined_on", "入职时间", "date", PostSection.joined_on),
    Column("work_started_on", "首次参加会计工作时间", "date", Accountant.work_started_on),
    Column("residence_type", "居住类型", source=PostSection.residence_type, choices=RESIDENCE_TYPES),
    Column("residence_region", "户籍或居住所在地区", source=PostSection.residence_region_code),
    Column("school_name", "就读学校", source=PostSection.school_name),
    # 学历学位信息 (002 §八)
    *_education("full_time", FullTime, "全日制"),
    *_education("part_time", PartTime, "非全日制"),
    # 专业技术资格信息 (002 §九; 珠算 000 §8)
    Column("qualification_kind", "专业技术资格类型", source=QualificationSection.kind),
    Column("qualification_level", "专业技术资格级别", source=QualificationSection.level),
    Column("qualification_way", "专业技术资格取得方式", source=QualificationSection.way),
    Column("qualification_acquired_on", "专业技术资格取得时间", "date", QualificationSection.acquired_on),
    Column("qualification_certificate_no", "专业技术资格证书号或批文号", source=QualificationSection.certificate_no),
    Column("cpa", "是否注册会计师", "yes_no", QualificationSection.cpa),
    Column("asset_appraiser", "是否资产评估师", "yes_no", QualificationSection.asset_appraiser),
    Column("tax_adviser", "是否税务师", "yes_no", QualificationSection.tax_adviser),
    Column("high_end_talent", "是否高端人才", "yes_no", QualificationSection.high_end_talent),
    Column("talent_category", "会计领军人才类别", source=QualificationSection.talent_category),
    Column("talent_state", "培养状态", source=QualificationSection.talent_state),
    Column("talent_period", "期次", source=QualificationSection.talent_period),
    Column("talent_selected_year", "入选年度", source=QualificationSection.talent_selected_year),
    Column("talent_graduated_year", "毕业年度", source=QualificationSection.talent_graduated_year),
    Column("abacus_level", "珠算等级", source=QualificationSection.abacus_level),
    Column("abacus_certificate_no", "珠算证号", source=QualificationSection.abacus_certificate_no),
    # 守信、失信、论文 as collected (003 §2.5–2.7)
    Column("award_on", "获奖日期", "date", Award.awarded_on),
    Column("award_level", "获奖级别", source=Award.level),
    Column("award_issuer", "颁奖单位", source=Award.issuer),
    Column("award_content", "获奖内容", source=Award.content),
    Column("violation_kind", "违法违规事项类型", source=Violation.kind),
    Column("violation_punished_on", "处罚日期", "date", Violation.punished_on),
    Column("violation_effective_on", "处罚生效日期", "date", Violation.effective_on),
    Column("violation_punisher", "处罚机关", source=Violation.punisher),
    Column("violation_category", "处罚类别", source=Violation.category),
    Column("violation_content", "处罚内容", source=Violation.content),
    Column("violation_term", "处罚期限", source=Violation.term),
    Column("violation_ends_on", "处罚截止日期", "date", Violation.ends_on),
    Column("publication_title", "论文及著作名称", source=Publication.title),
    Column("publication_published_on", "发表时间", "date", Publication.published_on),
    Column("publication_issue", "期数", source=Publication.issue),
    Column("publication_serial_no", "刊号或书号", source=Publication.serial_no),
    Column("publication_author_rank", "第几作者", "number", Publication.author_rank),
    Column("publication_publisher", "刊物或出版社名称", source=Publication.publisher),
    # 日常管理 (002 §十二(一)(四)(五)), read beside each batch: last, after the columns read from the join
    Column("accounting_years", "会计工作年限", "number"),
    Column("continuing_education", "继续教育学分", "records"),
    Column("credit_records", "会计信用信息", "records"),
)
KEYS = tuple(c.key for c in COLUMNS)
HEADERS = tuple(c.header for c in COLUMNS)
READ = tuple(c for c in COLUMNS if c.source is not None)
READ_KEYS = tuple(c.key for c in READ)

# What marks a person changed since a moment (docs/national-format.md, "Changed since a date").
ARCHIVING_EVENTS = ("approve", "auto_pass", "undo")  # an approval brings the sections in; its undo takes them back
PERSON_ACTIONS = (
    "accountant.restore",
    "accountant.correct_id_number",
    "accountant.departure",
    "accountant.depart_undo",
)
UNIT_ACTIONS = ("unit.update", "unit_change.approve", "unit.merge")


def may_export(account):
    """The national report is the province's: its admin at the province level, no one below."""
    return account is not None and account.role == "province_admin" and administered_authorities(account) is None


def check_exporter(account):
    """Refuse anyone else, when the export is asked for and again when the worker makes it (a job run again
    is run for whoever started it again)."""
    if not may_export(account):
        raise RuleViolation("国家平台报送仅限省级管理员")


# ---------------------------------------------------------------- reading the archive


def rows(since=None, spreadsheet=False):
    """One dict per person in the archive (in id order), keyed as COLUMNS; with `since` (a date), only the
    people changed at or after that day's start in Beijing. Typed values (JSON's), or with `spreadsheet` each
    value as its CSV cell (yes/no as 是/否, records one a line; csv_chunks neutralises formulas)."""
    condition = Accountant.archive_state == "archived"
    if since is not None:
        condition &= _changed_since(clock.beijing_midnight(since))
    converting = [(at, convert) for at, column in enumerate(READ) if (convert := _converter(column, spreadsheet))]
    listed = "\n".join if spreadsheet else list  # a spreadsheet's records: one cell, a line each
    today = clock.today()
    requirement = CreditRequirement.from_profile(current_profile.continuing_education)
    sql, params = _people(condition, spreadsheet).sql()  # written once: its last two parameters are the page's
    after = 0
    while batch := db.execute_sql(sql, (*params[:-2], after, BATCH)).fetchall():
        ids = [row[0] for row in batch]
        years = _accounting_years({row[0]: _studies_ended_on(row[1], row[2]) for row in batch}, today)
        education = _continuing_education(ids, requirement, spreadsheet)
        records = _credit_records(ids, spreadsheet)
        for key, _, _, *values in batch:
            for at, convert in converting:
                values[at] = convert(values[at])
            person = dict(zip(READ_KEYS, values))
            person["accounting_years"] = years.get(key, 0.0)
            person["continuing_education"] = listed(education.get(key, ()))
            person["credit_records"] = listed(records.get(key, ()))
            yield person
        after = ids[-1]


def count():
    """How many people a full export lists (a changed-since export is counted as it goes)."""
    return Accountant.select().where(Accountant.archive_state == "archived").count()


def _people(condition, spreadsheet):
    """A batch: the people after an id, each with their unit, bureau and latest approved collection's sections,
    joined (a person's collection ids are few, found by its accountant index). The id to start after and the
    batch's size are the query's last two parameters."""
    Latest = Collection.alias()
    latest = Latest.select(fn.MAX(Latest.id)).where(Latest.accountant == Accountant.id, Latest.status == "approved")
    query = (
        Accountant.select(
            Accountant.id, FullTime.graduated_on, FullTime.in_school, *(_selected(c, spreadsheet) for c in READ)
        )
        .join_from(Accountant, Authority, on=Accountant.authority == Authority.id)
        .join_from(Accountant, Unit, JOIN.LEFT_OUTER, on=Accountant.unit == Unit.id)
        .join_from(Accountant, Collection, JOIN.LEFT_OUTER, on=Collection.id == latest)
    )
    for key, part in answers.PARTS.items():
        joined = part.collection == Collection.id
        if part in (FullTime, PartTime):
            joined &= part.mode == key
        query = query.join_from(Collection, part, JOIN.LEFT_OUTER, on=joined)
    return query.where(condition, Accountant.id > 0).order_by(Accountant.id).limit(BATCH)


def _changed_since(moment):
    """Whether the person's archive record, sections, credit records or credits changed at or after `moment`.
    The archive row keeps no time of its own changes: each change is found where it is stamped."""
    Decided = Collection.alias()
    decided = (
        ReviewEvent.select(SQL("1"))
        .join(Decided, on=ReviewEvent.collection == Decided.id)
        .where(Decided.accountant == Accountant.id, ReviewEvent.kind.in_(ARCHIVING_EVENTS), ReviewEvent.at >= moment)
    )
    confirmed = CreditRecord.select(SQL("1")).where(
        CreditRecord.accountant == Accountant.id,
        CreditRecord.status == "confirmed",
        CreditRecord.confirmed_at >= moment,
    )
    credited = EducationCredit.select(SQL("1")).where(
        EducationCredit.accountant == Accountant.id, EducationCredit.imported_at >= moment
    )
    ruled = (
        RuleChange.select(SQL("1"))
        .join(RuleRun)
        .where(
            RuleChange.accountant == Accountant.id,
            ~RuleRun.dry_run,
            (RuleRun.started_at >= moment) | (RuleRun.undone_at >= moment),
        )
    )
    bureaus = Authority.select(Authority.id).where(Authority.updated_at >= moment) | Authority.select(
        Authority.merged_into
    ).where(Authority.updated_at >= moment, Authority.merged_into.is_null(False))
    return (
        fn.EXISTS(decided)
        | fn.EXISTS(confirmed)
        | fn.EXISTS(credited)
        | fn.EXISTS(ruled)
        | Accountant.id.cast("TEXT").in_(_audited("Accountant", PERSON_ACTIONS, moment))
        | Accountant.unit.cast("TEXT").in_(_audited("Unit", UNIT_ACTIONS, moment))
        | Accountant.authority.in_(bureaus)
    )


def _audited(target_type, actions, moment):
    return AuditEntry.select(AuditEntry.target_id).where(
        AuditEntry.at >= moment, AuditEntry.action.in_(actions), AuditEntry.target_type == target_type
    )


def _among(field, ids):
    """field IN (the batch's ids), written as one piece of SQL: peewee writes a list of 2,000 parameters a value
    at a time, which cost more than the query. They are the archive's own integers."""
    return field.in_(SQL(f"({','.join(str(int(key)) for key in ids)})"))


Period = namedtuple("Period", "started_on ended_on on_duty")


def _accounting_years(studies_ended, today):
    """{person: accounting work years as of today} (work_history.accounting_work_years), for the people of
    `studies_ended` ({person: when their full-time study ended, or None})."""
    periods = {}
    query = WorkPeriod.select(WorkPeriod.accountant, WorkPeriod.started_on, WorkPeriod.ended_on).where(
        _among(WorkPeriod.accountant, studies_ended), WorkPeriod.on_duty
    )
    for person, started, ended in plain_rows(query):
        periods.setdefault(person, []).append(Period(_date(started), _date(ended), True))
    return {
        person: work_history.accounting_work_years(held, today, studies_ended[person])
        for person, held in periods.items()
    }


def _continuing_education(ids, requirement, spreadsheet):
    """{person: [{year, credits, professional_credits, completed}]}: the credit bank's years, summed; in a
    spreadsheet each year a line of text."""
    held = {}
    credits, professional = fn.SUM(EducationCredit.credits), fn.SUM(EducationCredit.professional_credits)
    query = (
        EducationCredit.select(
            EducationCredit.accountant,
            EducationCredit.year,
            credits,
            professional,
            requirement.met_by(credits, professional),
        )
        .where(_among(EducationCredit.accountant, ids))
        .group_by(EducationCredit.accountant, EducationCredit.year)
        .order_by(EducationCredit.accountant, EducationCredit.year)
    )
    for person, year, credits, professional, completed in plain_rows(query):  # SQLite sums them as floats
        if spreadsheet:
            done = "已完成" if completed else "未完成"
            record = f"{year}年 {credits:.1f} 学分（专业科目 {professional:.1f}），{done}"
        else:
            credits, professional = round(float(credits), 1), round(float(professional), 1)
            record = {
                "year": year,
                "credits": credits,
                "professional_credits": professional,
                "completed": bool(completed),
            }
        held.setdefault(person, []).append(record)
    return held


def _credit_records(ids, spreadsheet):
    """{person: [{kind, source, occurred_on, description}]}: the 守信 and 失信 records that count (confirmed);
    in a spreadsheet each a line of text."""
    held = {}
    query = (
        CreditRecord.select(
            CreditRecord.accountant,
            CreditRecord.kind,
            CreditRecord.source,
            CreditRecord.occurred_on,
            CreditRecord.description,
        )
        .where(_among(CreditRecord.accountant, ids), CreditRecord.status == "confirmed")
        .order_by(CreditRecord.accountant, CreditRecord.occurred_on, CreditRecord.id)
    )
    for person, kind, source, occurred_on, description in plain_rows(query):
        kind, source, day = CREDIT_KINDS.label(kind), CREDIT_SOURCES.label(source), _date(occurred_on).isoformat()
        if spreadsheet:
            record = f"{day} {kind}（{source}）：{' '.join(description.split())}"  # the day leads the cell
        else:
            record = {"kind": kind, "source": source, "occurred_on": day, "description": description}
        held.setdefault(person, []).append(record)
    return held


# The values as the driver gives them (SQLite: dates as text, booleans as 0/1; PostgreSQL: typed), made the
# format's. What can be is done in the query: most columns are text, and a Python call for each of a million
# rows' fifty text cells would cost more than the rest of the export. Text is "" when absent; a choice is its
# label; a date is YYYY-MM-DD or None; yes/no a bool or None, or in a spreadsheet 是/否/"".


def _selected(column, spreadsheet):
    source = column.source
    if column.choices:
        return Case(source, tuple(column.choices), "")
    if column.kind == "text":
        return fn.COALESCE(source, "")
    if column.kind == "yes_no" and spreadsheet:
        return Case(None, ((source.is_null(), ""), (source, "是")), "否")
    return source


def _converter(column, spreadsheet):
    """The Python conversion a column's values still need, or None."""
    if column.kind == "moment":
        return _moment_day
    if spreadsheet:
        return None  # the csv module writes a date (PostgreSQL's) as YYYY-MM-DD, None as an empty cell
    return {"date": _date_text, "yes_no": _yes_no}.get(column.kind)


def _date(value):
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value[:10])


def _date_text(value):
    if value is None or value.__class__ is str:
        return value[:10] if value else None
    return value.isoformat()


def _moment_day(value):
    """A stored UTC moment as the Beijing day it fell on."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return clock.to_beijing(moment).date().isoformat()


def _yes_no(value):
    return None if value is None else bool(value)


# ---------------------------------------------------------------- writing the files


# A cell that begins with one of these a spreadsheet takes for a formula: it is led by an apostrophe, so
# opening the file runs nothing (OWASP CSV injection). The row is written first and its text searched once for
# a cell so beginning (after a comma, perhaps inside quotes); only such a row, rare, is looked at cell by cell
# (a comma inside a cell can look like one).
FORMULA_CELL = re.compile(r',"?[=+\-@\t\r]')  # searched in the row led by a comma: five times faster than ^|,


class _Line:
    """What csv.writer writes a row to: it hands back the row's text."""

    def write(self, text):
        return text


def csv_chunks(people):
    """UTF-8 with a BOM (Excel reads the Chinese), the headers of the 基本信息表, one row a person (as
    rows(spreadsheet=True) gives them)."""
    writer = csv.writer(_Line())
    ending = len(writer.dialect.lineterminator)  # a row's "\r\n", after its last cell
    buffer = io.StringIO()
    buffer.write("\ufeff" + writer.writerow(HEADERS))
    for person in people:
        line = writer.writerow(person.values())
        if FORMULA_CELL.search("," + line, 0, len(line) + 1 - ending):
            line = writer.writerow([texts.cell(value) for value in person.values()])
        buffer.write(line)
        if buffer.tell() > CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def json_chunks(people, since=None, now=None):
    """One JSON document, written as it goes: the header, then the people one by one."""
    head = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "province": {"code": current_profile.province_code, "name": current_profile.name},
        "generated_at": clock.to_beijing(now or clock.now()).isoformat(timespec="seconds"),
        "since": since.isoformat() if since else None,
    }
    buffer = io.StringIO()
    buffer.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "people": [')
    separator = "\n"
    for person in people:
        buffer.write(separator + json.dumps(person, ensure_ascii=False, separators=(",", ":")))
        separator = ",\n"
        if buffer.tell() > CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    buffer.write("\n]}\n")
    yield buffer.getvalue().encode("utf-8")


FORMATS = {
    "csv": ("text/csv; charset=utf-8", lambda people, since: csv_chunks(people)),
    "json": ("application/json", json_chunks),
}


def chunks(kind, since=None, progress=None):
    """The export as bytes, made as it is read; `progress` (console.infra.jobs) counts the people."""
    people = rows(since, spreadsheet=kind == "csv")
    return FORMATS[kind][1](progress.counted(people) if progress else people, since)


def write_csv(stream, since=None, progress=None):
    return write(stream, "csv", since, progress)


def write_json(stream, since=None, progress=None):
    return write(stream, "json", since, progress)


def write(stream, kind, since=None, progress=None):
    """Into a binary stream; returns how many people were written."""
    progress = progress or jobs.Untracked()
    for chunk in chunks(kind, since, progress):
        stream.write(chunk)
    return progress.done


# ---------------------------------------------------------------- asking for it


DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_since(text):
    """The day typed (YYYY-MM-DD, not after today), or None for everyone; RuleViolation otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text) if DAY.fullmatch(text) else None
    except ValueError:
        day = None
    if day is None:
        raise RuleViolation("请按“年-月-日”填写日期，例如 2026-01-01", "since")
    if day > clock.today():
        raise RuleViolation("变化起始日期不能晚于今天", "since")
    return day


def filename(kind, since, now):
    stamp = clock.to_beijing(now).strftime("%Y%m%d%H%M")
    scope = f"{since.isoformat()}以来变化" if since else "全量"
    return f"{current_profile.name}会计人员基本信息表_v{FORMAT_VERSION}_{scope}_{stamp}.{kind}"


def described(kind, since):
    """What an export was, as the audit log says it."""
    return {"格式": kind.upper(), "范围": f"{since.isoformat()} 以来有变化的人员" if since else "全部在库人员"}


def start_export(kind, since_text, account):
    """The export as a job of the worker (console.tasks), for the province admin; RuleViolation when the
    form is wrong or one is under way."""
    check_exporter(account)
    if kind not in FORMATS:
        raise RuleViolation("请选择文件格式：CSV 或 JSON", "format")
    since = parse_since(since_text)
    params = {
        "format": kind,
        "since": since.isoformat() if since else None,
        "filename": filename(kind, since, clock.now()),
    }
    job = jobs.start("national_export", params, account)
    audit.record("national.export", job, described(kind, since), actor=account)
    return job


def _studies_ended_on(graduated_on, in_school):
    """work_history.study_end of the row already read (not a query of its own for each batch)."""
    return work_history.study_end(_date(graduated_on), in_school)
