"""统计分析: the archive's people counted by bureau, duty, education, qualification, age band and gender, for the
province admin and reviewers within their tree; the XLSX carries the page's numbers; the queries do not grow with
the archive; an approval keeps the education and qualification counted, and migration 22 fills them in."""

import io
import re
from datetime import date, timedelta

import openpyxl
import pytest
from peewee import SqliteDatabase

from console import migrations
from console.archive import stats
from console.infra import clock, dictionaries
from console.infra.database import QueryCounter
from console.review import claims, decisions
from models import Account, Accountant, AuditEntry, Authority, Collection, SchemaVersion, db
from models.accountant import STATISTICS_INDEX
from tests.factories import submitted
from tests.helpers import make_account, make_accountant, resident_id, session_for

TODAY = date(2026, 12, 6)
SAIHAN, HOHHOT, KUNDULUN, BAOTOU = "150105", "1501", "150203", "1502"


def years_ago(years, days=0):
    return TODAY.replace(year=TODAY.year - years) + timedelta(days=days)


def person(serial, code, state="archived", **archive):
    """Someone managed by the bureau of `code`, in the archive as `archive` says (on duty unless told)."""
    made = make_accountant(
        name=f"人员{serial}",
        id_number=resident_id(serial=serial),
        phone=f"137{serial:08d}",
        authority=Authority.get(Authority.code == code),
    )
    Accountant.update(archive_state=state, **{"on_duty": True, **archive}).where(Accountant.id == made.id).execute()
    return made


@pytest.fixture
def levels(app, monkeypatch):
    """The dictionaries loaded, and read afresh (not another test's kept names)."""
    dictionaries.load_dictionaries()
    monkeypatch.setattr(dictionaries, "_names", {})


@pytest.fixture
def archive(levels):
    """Five people in the archive (four in 呼和浩特's tree, one in 包头's), and three who are not."""
    person(1, SAIHAN, gender="male", birth_date=years_ago(30), education_level="本科", qualification_level="中级")
    person(
        2,
        SAIHAN,
        on_duty=False,
        gender="female",
        birth_date=years_ago(30, days=1),
        education_level="硕士研究生",
        qualification_level="初级",
    )
    person(3, SAIHAN, gender="male", birth_date=years_ago(60), education_level="", qualification_level="无")
    person(4, HOHHOT, gender=None, birth_date=None, education_level="大专", qualification_level="中级")
    person(5, KUNDULUN, gender="female", birth_date=years_ago(40), education_level="本科", qualification_level="副高级")
    person(6, SAIHAN, state="pending", education_level="", qualification_level="")
    person(7, SAIHAN, state="abnormal", education_level="本科", qualification_level="中级")
    person(8, BAOTOU, state="departed", education_level="本科", qualification_level="中级")


def id_of(code):
    return Authority.get(Authority.code == code).id


def counted(figures):
    return {d.title: dict(d.rows) for d in figures.dimensions}


def test_the_province_counts_only_the_people_in_the_archive_by_each_dimension(archive):
    figures = stats.figures(id_of("15"), TODAY)
    by = counted(figures)
    assert figures.total == 5 and figures.authority == "内蒙古自治区财政厅"
    assert by["会计管理机构"]["呼和浩特市财政局"] == 4 and by["会计管理机构"]["包头市财政局"] == 1
    assert sum(by["会计管理机构"].values()) == 5 and "内蒙古自治区财政厅（本级）" not in by["会计管理机构"]
    assert by["是否在岗"] == {"在岗": 4, "不在岗": 1}
    assert by["全日制最高学历"] == {
        "博士研究生": 0,
        "硕士研究生": 1,
        "本科": 2,
        "大专": 1,
        "中专": 0,
        "高中": 0,
        "初中及以下": 0,
        "无学历": 0,
        "未填写": 1,
    }
    assert list(by["全日制最高学历"])[-1] == "未填写"  # after the dictionary's levels, in their order
    assert by["专业技术资格"] == {"初级": 1, "中级": 2, "副高级": 1, "正高级": 0, "无": 1}
    # 30 today is 30–39, a day short of it under 30; 60 today is 60 or older; 40 today is 40–49
    assert by["年龄"] == {"30 岁以下": 1, "30–39 岁": 1, "40–49 岁": 1, "50–59 岁": 0, "60 岁及以上": 1, "未填写": 1}
    assert by["性别"] == {"男": 2, "女": 2, "未填写": 1}


def test_a_city_counts_its_own_people_and_its_counties_and_a_county_only_its_own(archive):
    Authority.update(is_active=False).where(Authority.code == "150102").execute()  # 新城区, nobody there
    city = counted(stats.figures(id_of(HOHHOT), TODAY))["会计管理机构"]
    assert city["呼和浩特市财政局（本级）"] == 1 and city["赛罕区财政局"] == 3 and city["回民区财政局"] == 0
    assert sum(city.values()) == 4 and "昆都仑区财政局" not in city and "新城区财政局" not in city
    county = stats.figures(id_of(SAIHAN), TODAY)
    assert county.total == 3 and counted(county)["会计管理机构"] == {"赛罕区财政局（本级）": 3}
    assert counted(county)["是否在岗"] == {"在岗": 2, "不在岗": 1}


def test_an_unknown_level_is_counted_after_the_dictionarys_and_a_city_without_people_shows_zeros(archive):
    person(9, BAOTOU, education_level="函授本科", qualification_level="中级", birth_date=years_ago(50, days=-1))
    by = counted(stats.figures(id_of(BAOTOU), TODAY))
    assert list(by["全日制最高学历"])[-2:] == ["无学历", "函授本科"] and by["全日制最高学历"]["函授本科"] == 1
    assert by["年龄"]["50–59 岁"] == 1
    empty = stats.figures(id_of("1503"), TODAY)  # 乌海: nobody
    assert empty.total == 0 and all(n == 0 for d in empty.dimensions for _, n in d.rows)


@pytest.mark.parametrize(
    "today, born, band",
    [
        (date(2028, 2, 29), date(1998, 2, 28), "30–39 岁"),  # a leap day: 30 years back is the 28th
        (date(2028, 2, 29), date(1998, 3, 1), "30 岁以下"),
        (date(2026, 2, 28), date(1996, 2, 29), "30 岁以下"),  # born on a leap day: 30 on 1 March
        (date(2026, 3, 1), date(1996, 2, 29), "30–39 岁"),
    ],
)
def test_ages_are_whole_years_on_the_day_counted(levels, today, born, band):
    person(1, SAIHAN, birth_date=born)
    assert counted(stats.figures(id_of(SAIHAN), today))["年龄"][band] == 1


def test_the_queries_do_not_grow_with_the_archive(levels):
    def queries():
        stats.figures(id_of("15"), TODAY)  # the dictionaries' names kept, as on a page served again
        with QueryCounter() as counter:
            figures = stats.figures(id_of("15"), TODAY)
        return figures.total, counter.count

    for n in range(5):
        person(n + 1, SAIHAN, birth_date=years_ago(20 + n), education_level="本科")
    few = queries()
    for n in range(5, 50):
        person(n + 1, [SAIHAN, KUNDULUN, HOHHOT][n % 3], birth_date=years_ago(20 + n), gender="female")
    many = queries()
    assert (few[0], many[0]) == (5, 50) and few[1] == many[1] <= 4


# ---------------------------------------------------------------- the page


def tables(page):
    """{dimension: {label: count}} as the tables under the charts show them."""
    found = {}
    for title, body in re.findall(r'<h2 class="card-header h6">按(.+?)</h2>(.*?)</section>', page, re.S):
        rows = re.findall(r'<th scope="row">(.+?)</th><td class="text-right">(\d+)</td>', body)
        found[title] = {label: int(n) for label, n in rows}
    return found


@pytest.fixture
def accounts(app, archive):
    return {
        "admin": make_account(app, "province_admin", "省管理员"),
        "city": make_account(app, "reviewer", "市审核", authority=Authority.get(Authority.code == HOHHOT)),
        "county": make_account(app, "reviewer", "县审核", authority=Authority.get(Authority.code == SAIHAN)),
        "city_admin": make_account(
            app, "province_admin", "市管理员", authority=Authority.get(Authority.code == BAOTOU)
        ),
    }


def get(app, account, url):
    response = session_for(app, account).get(url)
    return response.status_code, response.get_data(as_text=True)


def test_the_province_admin_sees_every_city_with_charts_and_tables(app, accounts):
    status, page = get(app, accounts["admin"], "/console/statistics/")
    assert status == 200 and "内蒙古自治区财政厅及其下级会计管理机构在库会计人员共 <strong>5</strong> 人" in page
    shown = tables(page)
    assert shown["会计管理机构"]["呼和浩特市财政局"] == 4 and shown["是否在岗"] == {"在岗": 4, "不在岗": 1}
    assert shown["性别"] == {"男": 2, "女": 2, "未填写": 1} and shown["年龄"]["60 岁及以上"] == 1
    assert page.count('<svg class="statistics-bars"') == 6 and " style=" not in page  # the CSP allows no inline style
    assert page.count("<option ") == Authority.select().where(Authority.is_active).count()
    status, page = get(app, accounts["admin"], f"/console/statistics/?authority={id_of(BAOTOU)}")
    shown = tables(page)["会计管理机构"]  # nobody at 包头 itself: no row of its own
    assert (
        status == 200
        and shown["昆都仑区财政局"] == 1
        and sum(shown.values()) == 1
        and "包头市财政局（本级）" not in shown
    )


def test_a_city_reviewer_sees_its_tree_and_is_refused_outside_it(app, accounts):
    status, page = get(app, accounts["city"], "/console/statistics/")
    assert status == 200 and tables(page)["会计管理机构"]["赛罕区财政局"] == 3
    assert "包头市财政局" not in page and "内蒙古自治区财政厅" not in page
    status, page = get(app, accounts["city"], f"/console/statistics/?authority={id_of(SAIHAN)}")
    assert status == 200 and "赛罕区财政局在库会计人员共 <strong>3</strong> 人" in page
    for outside in ("15", BAOTOU, KUNDULUN):
        for route in ("", "xlsx"):
            url = f"/console/statistics/{route}?authority={id_of(outside)}"
            assert get(app, accounts["city"], url)[0] == 403
    for wrong in ("abc", "999999", "9" * 30, "-1", "1.5", "²", "０", " 1"):
        assert get(app, accounts["city"], f"/console/statistics/?authority={wrong}")[0] == 404


def test_a_county_reviewer_has_nothing_to_choose_and_a_city_admin_keeps_its_own_tree(app, accounts):
    status, page = get(app, accounts["county"], "/console/statistics/")
    assert status == 200 and "<select" not in page and tables(page)["会计管理机构"] == {"赛罕区财政局（本级）": 3}
    status, page = get(app, accounts["city_admin"], "/console/statistics/")
    assert status == 200 and "包头市财政局及其下级会计管理机构在库会计人员共 <strong>1</strong> 人" in page
    assert get(app, accounts["city_admin"], f"/console/statistics/?authority={id_of(HOHHOT)}")[0] == 403
    Account.update(authority=None).where(Account.id == accounts["county"].id).execute()  # not yet given a bureau
    assert get(app, accounts["county"], "/console/statistics/")[0] == 403


@pytest.mark.parametrize("role", ["anonymous", "accountant", "unit_head", "auditor"])
def test_other_roles_are_refused(app, archive, role):
    account = None if role == "anonymous" else make_account(app, role, f"user-{role}")
    for url in ("/console/statistics/", "/console/statistics/xlsx"):
        status = session_for(app, account).get(url).status_code
        assert status == (302 if role == "anonymous" else 403)


def test_the_xlsx_carries_the_pages_numbers_and_is_audited(app, accounts):
    response = session_for(app, accounts["city"]).get(f"/console/statistics/xlsx?authority={id_of(HOHHOT)}")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["说明", "会计管理机构", "是否在岗", "全日制最高学历", "专业技术资格", "年龄", "性别"]
    about = {row[0]: row[1] for row in book["说明"].iter_rows(values_only=True)}
    assert about["会计管理机构"] == "呼和浩特市财政局" and about["在库人数"] == 4
    assert about["统计日期"] == clock.today().isoformat()
    page = tables(get(app, accounts["city"], f"/console/statistics/?authority={id_of(HOHHOT)}")[1])
    for title, shown in page.items():
        rows = list(book[title].iter_rows(values_only=True))
        assert rows[0] == (title, "人数", "占比") and rows[-1][:2] == ("合计", 4)
        assert {label: n for label, n, _ in rows[1:-1]} == shown
    entry = AuditEntry.get(AuditEntry.action == "statistics.export")
    assert entry.target_type == "Authority" and entry.target_id == str(id_of(HOHHOT))


def test_a_name_that_looks_like_a_formula_stays_text(levels):
    person(1, SAIHAN, education_level='=HYPERLINK("http://x")')
    data = stats.xlsx(stats.figures(id_of(SAIHAN), TODAY))
    cell = openpyxl.load_workbook(io.BytesIO(data))["全日制最高学历"]["A10"]
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"


def test_the_page_takes_as_many_queries_for_5_people_as_for_50(app, levels):
    admin = make_account(app, "province_admin", "省管理员")
    client = session_for(app, admin)

    def served():
        client.get("/console/statistics/")
        with QueryCounter() as counter:
            assert client.get("/console/statistics/").status_code == 200
        return counter.count

    for n in range(5):
        person(n + 1, SAIHAN, birth_date=years_ago(25 + n))
    few = served()
    for n in range(5, 50):
        person(n + 1, KUNDULUN, birth_date=years_ago(25 + n), on_duty=n % 2 == 0)
    assert served() == few


# ---------------------------------------------------------------- what is counted, kept on the archive's row


def test_an_approval_keeps_the_collections_education_and_qualification_and_its_undo_puts_them_back(app, ctx, scans):
    waiting = submitted(app, scans)
    li = make_account(app, "reviewer", "李审核", authority=waiting.authority)
    decisions.approve(claims.claim(waiting, li), li, app.extensions["profile"], undoable=True)
    person = Accountant.get_by_id(waiting.accountant_id)
    assert (person.education_level, person.qualification_level) == ("本科", "无")
    decisions.undo_approval(Collection.get_by_id(waiting.id), li)
    person = Accountant.get_by_id(waiting.accountant_id)
    assert (person.education_level, person.qualification_level) == ("", "")


def test_migration_22_fills_them_from_the_latest_approved_collection(tmp_path):
    previous = db.obj
    db.initialize(SqliteDatabase(str(tmp_path / "v21.db")))
    try:
        migrations.upgrade()
        with db.connection_context():
            root = Authority.create(code="15", name="内蒙古自治区财政厅", level="province")
            twice, waiting = (
                make_accountant(name=n, id_number=resident_id(serial=s), phone=f"1370000000{s}", authority=root)
                for n, s in (("两次", 1), ("待审", 2))
            )
            for who, status, level, qualification in (
                (twice, "approved", "大专", "初级"),
                (twice, "approved", "本科", "中级"),  # the change approved later is in force
                (twice, "returned", "硕士研究生", "副高级"),  # a change sent back is not
                (waiting, "submitted", "本科", "中级"),
            ):
                now = clock.now()
                Collection.create(
                    accountant=who,
                    authority=root,
                    status=status,
                    education_level=level,
                    qualification_level=qualification,
                    created_at=now,
                    updated_at=now,
                )
            db.execute_sql(f"DROP INDEX {STATISTICS_INDEX}")
            for column in ("education_level", "qualification_level"):
                db.execute_sql(f"ALTER TABLE accountant DROP COLUMN {column}")
            SchemaVersion.update(version=21).execute()
        assert 22 in migrations.upgrade()
        with db.connection_context():
            levels = {a.name: (a.education_level, a.qualification_level) for a in Accountant.select()}
            assert levels == {"两次": ("本科", "中级"), "待审": ("", "")}
            assert STATISTICS_INDEX in {i.name for i in db.get_indexes("accountant")}
    finally:
        db.initialize(previous)
