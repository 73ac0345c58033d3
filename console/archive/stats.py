"""统计分析: the people in the archive (在库) of an authority and the bureaus below it, counted by the bureau
directly below it that manages them, on duty, full-time education, qualification, age band and gender; and the
same figures as an XLSX file.

The counts come from one GROUP BY over the archive's statistics index (models.accountant.STATISTICS_COLUMNS), in
the index's order: the database walks that index alone, without a sort, and answers one row per combination of
bureau, duty, gender, education and qualification (a few thousand at most, however many people), with the age
bands counted in it; the dimensions are added up from those rows. The education and qualification counted are
those of the person's approved collection in force, which registry.enter_archive keeps on the archive's row."""

import io
from collections import Counter, namedtuple
from datetime import date

import xlsxwriter
from peewee import SQL, fn

from console.infra import dictionaries
from console.infra.database import plain_rows
from console.infra.memo import per_request
from console.org import access
from console.org.authorities import descendants
from models import Accountant, Authority
from models.accountant import GENDERS

UNSTATED = "未填写"
DUTY = ((True, "在岗"), (False, "不在岗"))
# (label, the age the band ends before): whole years of age on the day counted
AGE_BANDS = (("30 岁以下", 30), ("30–39 岁", 40), ("40–49 岁", 50), ("50–59 岁", 60), ("60 岁及以上", None))
GROUPED = (Accountant.authority, Accountant.on_duty, Accountant.gender)
LEVELS = (Accountant.education_level, Accountant.qualification_level)

Figures = namedtuple("Figures", "authority day total dimensions")
Dimension = namedtuple("Dimension", "title rows")  # rows: [(label, count)]


def scope(account):
    """The authority ids whose people the account may count (None: the whole province): a reviewer's own bureau
    and those below it, an admin's the bureaus they keep (at the province all of them); nobody else's."""
    if account.role == "reviewer":
        return access.readable_authorities(account)
    if account.role == "province_admin":
        return access.administered_authorities(account)
    return set()


def choices(account):
    """The authorities in use the account may choose, in the tree's order (by code), the highest first."""
    allowed, active = scope(account), _active()
    return [a for a in access.authority_list() if a.id in active and (allowed is None or a.id in allowed)]


@per_request
def _active():
    """The ids of the authorities in use (the tree of access.authority_list keeps those merged away too)."""
    return {a for (a,) in Authority.select(Authority.id).where(Authority.is_active).tuples()}


def figures(authority_id, today):
    """The counts of the people in the archive of the authority and every bureau below it, on the day `today`."""
    nodes = {a.id: a for a in access.authority_list()}
    chosen = nodes[authority_id]
    counted = Accountant.archive_state == "archived"
    if chosen.parent_id is not None:  # the province's root counts everyone: no list of ids to match
        below = descendants(chosen, [(a.id, a.parent_id) for a in nodes.values()])
        counted &= Accountant.authority.in_(sorted({authority_id, *below}))
    edges = [_years_before(today, end) for _, end in AGE_BANDS[:-1]]
    query = (
        Accountant.select(
            *GROUPED,
            *LEVELS,
            fn.COUNT(SQL("*")),
            fn.COUNT(Accountant.birth_date),
            *[fn.COUNT(SQL("*")).filter(Accountant.birth_date > edge) for edge in edges],  # faster than SUM(CASE)
        )
        .where(counted)
        .group_by(*GROUPED, *LEVELS)
    )
    by = {key: Counter() for key in ("authority", "on_duty", "gender", "education", "qualification", "age")}
    for authority, on_duty, gender, education, qualification, n, born, *younger in plain_rows(query):
        by["authority"][authority] += n
        by["on_duty"][bool(on_duty)] += n
        by["gender"][gender or ""] += n
        by["education"][education] += n
        by["qualification"][qualification] += n
        _add_bands(by["age"], n, born, younger)
    unstated_age = _unstated(by["age"][None])
    return Figures(
        chosen.name,
        today,
        sum(by["authority"].values()),
        [
            Dimension("会计管理机构", _by_child(chosen, nodes, by["authority"])),
            Dimension("是否在岗", [(label, by["on_duty"][key]) for key, label in DUTY]),
            Dimension("全日制最高学历", _listed(by["education"], dictionaries.names("education_level"))),
            Dimension("专业技术资格", _listed(by["qualification"], dictionaries.names("qualification_level"))),
            Dimension("年龄", [(label, by["age"][band]) for band, (label, _) in enumerate(AGE_BANDS)] + unstated_age),
            Dimension("性别", _listed(by["gender"], [k for k, _ in GENDERS], dict(GENDERS))),
        ],
    )


def _years_before(day, years):
    """The last birth date of someone `years` old on `day`; on 29 February, the 28th in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return date(day.year - years, 2, 28)


def _add_bands(bands, n, born, younger):
    """A row's n people in the age bands: of the `born` with a birth date, younger[k] are younger than band k's
    end; the other n - born have none."""
    for band, (before, up_to) in enumerate(zip([0, *younger], [*younger, born])):
        bands[band] += up_to - before
    bands[None] += n - born


def _listed(counts, known, labels=None):
    """The known values in their order (with those nobody has), then any other value found, then the unstated."""
    labels = labels or {}
    others = sorted(v for v in counts if v and v not in known)
    return [(labels.get(v, v), counts[v]) for v in [*known, *others]] + _unstated(counts[""])


def _unstated(n):
    return [(UNSTATED, n)] if n else []


def _by_child(chosen, nodes, per_authority):
    """Each bureau directly below the chosen one, with the people of its whole tree, after the chosen bureau's
    own people (本级); a bureau no longer in use only while it still counts someone."""
    under = Counter()
    for authority_id, n in per_authority.items():
        node = nodes[authority_id]
        while node.id != chosen.id and node.parent_id not in (chosen.id, None):
            node = nodes[node.parent_id]
        under[node.id] += n
    active = _active()
    children = [a for a in nodes.values() if a.parent_id == chosen.id and (a.id in active or under[a.id])]
    own = [(f"{chosen.name}（本级）", under[chosen.id])] if under[chosen.id] or not children else []
    return own + [(a.name, under[a.id]) for a in children]


def xlsx(figures):
    """The figures as an XLSX workbook: a sheet saying what was counted, then one sheet per dimension. Every
    label is written as text, so a name that begins with "=" is never taken for a formula."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True})
    share = book.add_format({"num_format": "0.0%"})
    about = book.add_worksheet("说明")
    for row, (name, value) in enumerate(
        (("会计管理机构", figures.authority), ("统计日期", figures.day.isoformat()), ("在库人数", figures.total))
    ):
        about.write_string(row, 0, name, bold)
        about.write(row, 1, value)
    about.set_column(0, 1, 24)
    for dimension in figures.dimensions:
        sheet = book.add_worksheet(dimension.title)
        for column, header in enumerate((dimension.title, "人数", "占比")):
            sheet.write_string(0, column, header, bold)
        for row, (label, n) in enumerate(dimension.rows, start=1):
            sheet.write_string(row, 0, label)
            sheet.write_number(row, 1, n)
            sheet.write_number(row, 2, n / figures.total if figures.total else 0, share)
        sheet.write_string(len(dimension.rows) + 1, 0, "合计", bold)
        sheet.write_number(len(dimension.rows) + 1, 1, sum(n for _, n in dimension.rows), bold)
        sheet.set_column(0, 0, 28)
    book.close()
    return out.getvalue()
