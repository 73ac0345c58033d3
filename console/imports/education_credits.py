"""继续教育学分导入: the credit bank's yearly figures, from a CSV or XLSX file of
(证件号码, 年度, 学分, 专业科目学分, 培训机构). Every row is checked first; one bad row refuses the
whole file with a report by line, so nothing is half-imported. A row for a person, year and provider
already held replaces the figures held (a corrected file can be imported again)."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from console.errors import RuleViolation
from console.imports import tables
from console.imports.tables import Errors, ImportRefused, RowError
from console.infra import audit, clock, jobs
from console.infra.batches import chunks, insert_rows
from models import Accountant, EducationCredit, db

HEADER = ("证件号码", "年度", "学分", "专业科目学分", "培训机构")
MAX_CREDITS = Decimal("999.9")
FIRST_YEAR = 2000


@dataclass(frozen=True, slots=True)
class CreditRow:
    line: int
    id_number: str
    year: int
    credits: Decimal
    professional: Decimal
    provider: str


def import_file(filename, stream, account, progress=None):
    """Check and import one file; returns the number of rows imported, or raises ImportRefused."""
    progress = progress or jobs.Untracked()
    progress.begin("检查")
    rows, errors = parse(progress.counted(tables.rows(filename, stream, HEADER)), clock.today().year)
    people, errors = _people(rows, errors)
    if errors:
        raise ImportRefused(errors)
    if not rows:
        raise RuleViolation("文件中没有数据行")
    now = clock.now()
    progress.begin("写入", len(rows))
    with db.atomic():
        for chunk in chunks(rows, 500):
            _replace_held(chunk, people)
            insert_rows(
                EducationCredit,
                [
                    EducationCredit.accountant,
                    EducationCredit.year,
                    EducationCredit.credits,
                    EducationCredit.professional_credits,
                    EducationCredit.provider,
                    EducationCredit.imported_at,
                ],
                [(people[r.id_number], r.year, r.credits, r.professional, r.provider, now) for r in chunk],
            )
            progress.advance(len(chunk))
        audit.record("education_credit.import", detail={"文件": filename, "行数": len(rows)}, actor=account)
    return len(rows)


def _replace_held(chunk, people):
    """Delete what is held for the chunk's (person, year, provider) keys: one DELETE per year and
    provider, on the (accountant, year) index (a row-value IN would scan the table on SQLite)."""
    groups = {}
    for row in chunk:
        groups.setdefault((row.year, row.provider), []).append(people[row.id_number])
    for (year, provider), ids in groups.items():
        EducationCredit.delete().where(
            EducationCredit.accountant.in_(ids), EducationCredit.year == year, EducationCredit.provider == provider
        ).execute()


def parse(lines, this_year):
    """CreditRows and RowErrors; a (person, year, provider) given twice is an error at the second line."""
    rows, errors, seen = [], Errors(), {}
    for line, cells in lines:
        cells = [tables.text(c) for c in cells]
        try:
            row = _row(line, cells, this_year)
        except ValueError as problem:
            errors.add(line, str(problem))
            continue
        key = (row.id_number, row.year, row.provider)
        if key in seen:
            errors.add(line, f"与第 {seen[key]} 行重复（同一人、同一年度、同一培训机构）")
            continue
        seen[key] = line
        rows.append(row)
    return rows, errors


def _row(line, cells, this_year):
    id_number, year, credits, professional, provider = cells
    if not id_number:
        raise ValueError("证件号码为空")
    year = year_of(year, this_year)
    total, special = credits_of(credits, "学分"), credits_of(professional, "专业科目学分")
    check_share(total, special)
    return CreditRow(line, id_number.upper(), year, total, special, provider_of(provider))


# One rule for each value, the file's rows and the bureau's entry by hand (console.archive.education_credits) alike.
def year_of(text, this_year):
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= this_year:
        raise ValueError(f"年度“{text}”不正确，应为 {FIRST_YEAR}—{this_year} 之间的年份")
    return int(text)


def check_share(total, special):
    if special > total:
        raise ValueError("专业科目学分不能大于学分")


def provider_of(text):
    if not text or len(text) > 100:
        raise ValueError("培训机构为空或超过 100 字")
    return text


def credits_of(text, label):
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{label}“{text}”不是数字") from None
    if not value.is_finite() or not 0 <= value <= MAX_CREDITS or value != value.quantize(Decimal("0.1")):
        raise ValueError(f"{label}“{text}”应为 0—{MAX_CREDITS} 之间、最多一位小数的数")
    return value


def _people(rows, errors):
    """{ID number: accountant id} for the rows, and an error for each number nobody in the system holds."""
    people = {}
    for chunk in chunks(sorted({r.id_number for r in rows}), 1000):
        people.update(
            Accountant.select(Accountant.id_number, Accountant.id).where(Accountant.id_number.in_(chunk)).tuples()
        )
    unknown = [
        RowError(r.line, f"系统中没有证件号码为 {r.id_number} 的会计人员") for r in rows if r.id_number not in people
    ]
    return people, errors + unknown
