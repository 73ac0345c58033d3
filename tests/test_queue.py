"""The queue's scope, search, filters and keyset paging; the export and the dashboard figures."""

import csv
import io
import zipfile
from datetime import date, datetime, timedelta

import pytest
from playhouse.migrate import SchemaMigrator

from console import migrations
from console.errors import RuleViolation
from console.infra import clock
from console.infra.database import QueryCounter
from console.org import authorities
from console.review import dashboard, export, worklist
from models import Account, Authority, Collection, Education, PersonalSection, PostSection, ReviewEvent, Unit, db
from tests.factories import submitted, unit_code
from tests.helpers import make_accountant, resident_id

MONDAY = date(2026, 11, 23)


def staff(role, code=None, name=None):
    authority = Authority.get(Authority.code == code) if code else None
    return Account.create(
        username=name or f"{role}-{code}",
        password_hash="x",
        role=role,
        authority=authority,
        display_name=name or role,
        created_at=clock.now(),
    )


def waiting(name, serial, code="150203", at=datetime(2026, 11, 20, 2), unit=None, level="本科", flags=""):
    authority = Authority.get(Authority.code == code)
    person = make_accountant(
        name=name, id_number=resident_id("150105", "19900307", serial), phone=f"139{serial:08d}", authority=authority
    )
    collection = Collection.create(
        accountant=person,
        authority=authority,
        status="submitted",
        revision=1,
        submitted_at=at,
        flags=flags,
        on_duty=True,
        education_level=level,
        created_at=at,
        updated_at=at,
    )
    PersonalSection.create(
        collection=collection, name=name, id_type="resident", id_number=person.id_number, phone=person.phone
    )
    PostSection.create(
        collection=collection, has_unit=bool(unit), unit=unit, unit_uscc=unit.uscc if unit else "", on_duty=True
    )
    Education.create(collection=collection, mode="full_time", level=level)
    return collection


def names(account, **kwargs):
    return [r["name"] for r in worklist.page(account, worklist.Filters(today=MONDAY, **kwargs)).rows]


@pytest.fixture
def steel(ctx):
    return Unit.create(
        uscc=unit_code("150203"),
        name="包头钢铁集团",
        region_code="150203",
        authority=Authority.get(Authority.code == "150203"),
        created_at=clock.now(),
    )


def test_a_reviewer_sees_the_own_queue_oldest_first_and_nothing_else(ctx):
    waiting("张三", 1, at=datetime(2026, 11, 19, 2))
    waiting("李四", 2, at=datetime(2026, 11, 12, 2))
    waiting("王五", 3, code="150102")
    own = staff("reviewer", "150203")
    assert names(own) == ["李四", "张三"]
    with pytest.raises(RuleViolation, match="无权查看该机构的审核列表"):
        names(own, authority=Authority.get(Authority.code == "150102").id)
    assert names(staff("reviewer", "1502"), authority=Authority.get(Authority.code == "150203").id) == ["李四", "张三"]
    assert sorted(names(staff("province_admin", "15"))) == ["张三", "李四", "王五"]
    assert names(staff("unit_head")) == []


def test_waiting_is_counted_in_working_days_and_overdue_filters(ctx):
    waiting("张三", 1, at=datetime(2026, 11, 19, 2))  # Thursday: Friday and Monday
    waiting("李四", 2, at=datetime(2026, 11, 12, 2))
    own = staff("reviewer", "150203")
    rows = worklist.page(own, worklist.Filters(today=MONDAY)).rows
    assert [(r["name"], r["waiting"]) for r in rows] == [("李四", 7), ("张三", 2)]
    assert names(own, overdue=True) == ["李四"]


def test_search_finds_by_name_id_tail_full_id_phone_unit_and_uscc(ctx, steel):
    first = waiting("欧阳娜娜", 11, unit=steel)
    waiting("欧阳修", 12)
    waiting("张欧", 13)
    own = staff("reviewer", "150203")
    number = first.accountant.id_number
    assert names(own, search="欧阳") == ["欧阳娜娜", "欧阳修"]
    assert names(own, search=number[-4:]) == ["欧阳娜娜"]
    assert names(own, search=number.lower()) == ["欧阳娜娜"]
    assert names(own, search="13900000012") == ["欧阳修"]
    assert names(own, search="包头钢铁") == ["欧阳娜娜"]
    assert names(own, search=steel.uscc) == ["欧阳娜娜"]
    assert names(own, search="不存在") == []


def test_search_finds_three_characters_anywhere_in_a_name_or_a_units_name(ctx, steel):
    waiting("欧阳娜娜", 11, unit=steel)
    waiting("司马阳娜", 12)
    waiting("张100%", 13)
    own = staff("reviewer", "150203")
    assert names(own, search="阳娜娜") == ["欧阳娜娜"]
    assert names(own, search="钢铁集") == ["欧阳娜娜"]
    assert names(own, search="阳娜") == []  # two characters: a name's beginning only
    assert names(own, search="00%") == ["张100%"] and names(own, search='0"%') == []
    steel.name = "包头稀土集团"
    steel.save()  # a renamed unit is found by its new name, not its old
    assert (names(own, search="稀土集"), names(own, search="钢铁集")) == (["欧阳娜娜"], [])


def test_filters_by_flags_education_duty_and_dates(ctx):
    waiting("张三", 1, level="大专", flags="photo_background", at=datetime(2026, 11, 2, 2))
    waiting("李四", 2)
    own = staff("reviewer", "150203")
    assert names(own, flag="photo_background") == names(own, flag="any") == ["张三"]
    assert names(own, flag="none") == ["李四"]
    assert names(own, education_level="大专") == ["张三"]
    assert names(own, submitted_from=date(2026, 11, 20), submitted_to=date(2026, 11, 20)) == ["李四"]
    assert names(own, on_duty=False) == []


def test_pages_follow_the_cursor_both_ways(ctx):
    start = datetime(2026, 11, 1)
    for n in range(45):
        waiting(f"人{n:02d}", 100 + n, at=start + timedelta(hours=n // 2))  # pairs share a moment
    own = staff("reviewer", "150203")
    filters = worklist.Filters(today=MONDAY)
    first = worklist.page(own, filters)
    second = worklist.page(own, filters, after=first.next_cursor)
    third = worklist.page(own, filters, after=second.next_cursor)
    assert [len(p.rows) for p in (first, second, third)] == [20, 20, 5]
    assert [r["name"] for p in (first, second, third) for r in p.rows] == [f"人{n:02d}" for n in range(45)]
    assert (first.previous_cursor, third.next_cursor) == (None, None)
    back = worklist.page(own, filters, before=third.previous_cursor)
    assert [r["name"] for r in back.rows] == [r["name"] for r in second.rows]
    assert worklist.page(own, filters, after="garbage").rows[0]["name"] == "人00"


def test_newest_first_pages_follow_the_cursor_both_ways(ctx):
    start = datetime(2026, 11, 1)
    for n in range(45):
        waiting(f"人{n:02d}", 100 + n, at=start + timedelta(hours=n // 2))
    own = staff("reviewer", "150203")
    filters = worklist.Filters.from_args({"order": "newest"})
    first = worklist.page(own, filters)
    second = worklist.page(own, filters, after=first.next_cursor)
    third = worklist.page(own, filters, after=second.next_cursor)
    read = [r["name"] for p in (first, second, third) for r in p.rows]
    assert [len(p.rows) for p in (first, second, third)] == [20, 20, 5] and read == [
        f"人{n:02d}" for n in range(44, -1, -1)
    ]
    back = worklist.page(own, filters, before=third.previous_cursor)
    assert [r["name"] for r in back.rows] == [r["name"] for r in second.rows]
    assert filters.as_args() == {"state": "submitted", "order": "newest"}


@pytest.mark.parametrize("order", ["name", "-name", "unit", "-unit"])
def test_sorted_by_name_or_unit_pages_follow_the_cursor_both_ways(ctx, order):
    units = [
        Unit.create(
            uscc=unit_code("150203", n),
            name=f"单位{n % 3}",
            region_code="150203",
            authority=Authority.get(Authority.code == "150203"),
            created_at=clock.now(),
        )
        for n in range(3)
    ]
    for n in range(45):  # names and units repeat, so the id breaks the ties across pages
        waiting(f"人{n % 7}", 100 + n, unit=units[n % 3] if n % 5 else None)
    own = staff("reviewer", "150203")
    filters = worklist.Filters.from_args({"order": order})
    first = worklist.page(own, filters)
    second = worklist.page(own, filters, after=first.next_cursor)
    third = worklist.page(own, filters, after=second.next_cursor)
    key = "unit_name" if "unit" in order else "name"
    read = [(r[key] or "", r["id"]) for p in (first, second, third) for r in p.rows]
    assert [len(p.rows) for p in (first, second, third)] == [20, 20, 5]
    assert read == sorted(read, reverse=order.startswith("-"))
    back = worklist.page(own, filters, before=third.previous_cursor)
    assert [r["id"] for r in back.rows] == [r["id"] for r in second.rows]
    assert filters.as_args()["order"] == order


def test_only_what_i_hold_and_a_citys_backlog_across_its_counties(ctx):
    mine, theirs = waiting("甲", 201), waiting("乙", 202)
    county_collection = waiting("丙", 203, code="150205")  # 石拐区, another county of 包头
    waiting("丁", 204, code="150102")  # 呼和浩特, another city
    li, wang = staff("reviewer", "150203", "李"), staff("reviewer", "150203", "王")
    now = clock.now()
    Collection.update(claimed_by=li, claimed_until=now + timedelta(minutes=30)).where(
        Collection.id == mine.id
    ).execute()
    Collection.update(claimed_by=wang, claimed_until=now + timedelta(minutes=30)).where(
        Collection.id == theirs.id
    ).execute()
    assert names(li, mine=True) == ["甲"] and names(wang, mine=True) == ["乙"]

    city = staff("reviewer", "1502", "包头")
    backlog = worklist.Filters.from_args({"authority": "tree"})
    listed = worklist.page(city, backlog).rows
    assert sorted(r["name"] for r in listed) == ["丙", "乙", "甲"] and county_collection.id in {r["id"] for r in listed}
    assert not worklist.decides(city, backlog) and backlog.as_args()["authority"] == "tree"
    assert sorted(r["name"] for r in worklist.page(li, backlog).rows) == ["乙", "甲"]  # a county has no counties


def test_the_query_string_never_breaks_the_list():
    filters = worklist.Filters.from_args(
        {"state": "nonsense", "authority": "x", "from": "2026-13-45", "on_duty": "2", "q": " 张 "}
    )
    assert (filters.state, filters.authority, filters.submitted_from, filters.on_duty, filters.search) == (
        "submitted",
        None,
        None,
        None,
        "张",
    )


def test_csv_export_has_a_bom_masked_numbers_and_only_the_scope(ctx, steel):
    waiting("张三", 1, unit=steel, flags="photo_background")
    waiting("王五", 2, code="150102")
    body = b"".join(
        export.chunks("csv", worklist.each_row(staff("reviewer", "150203"), worklist.Filters(today=MONDAY)))
    )
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["姓名", "证件号码", "手机号码"]
    assert rows[1][:4] == ["张三", "150105********" + resident_id(serial=1)[-4:], "139****0001", "包头钢铁集团"]
    assert rows[1][8] == "照片非白底"
    assert len(rows) == 2


def test_xlsx_export_is_a_workbook_with_the_rows(ctx):
    waiting("张三", 1)
    body = b"".join(
        export.chunks("xlsx", worklist.each_row(staff("reviewer", "150203"), worklist.Filters(today=MONDAY)))
    )
    with zipfile.ZipFile(io.BytesIO(body)) as book:
        text = "".join(book.read(name).decode() for name in book.namelist() if name.startswith("xl/"))
    assert "张三" in text and "等待工作日" in text and "150105********" in text


def test_the_file_name_is_chinese_with_an_ascii_fallback():
    assert export.disposition("审核列表202611230900.csv") == (
        "attachment; filename=\"export.csv\"; filename*=UTF-8''%E5%AE%A1%E6%A0%B8%E5%88%97%E8%A1%A8202611230900.csv"
    )


def test_the_dashboard_counts_states_waiting_bands_and_weekly_decisions(ctx):
    for n, day in enumerate((20, 19, 12, 2)):  # 1, 2, 7 and 14 working days by Monday the 23rd
        waiting(f"人{n}", 200 + n, at=datetime(2026, 11, day, 2))
    li = staff("reviewer", "150203", "李审核")
    done = Collection.select().first()
    for at in (datetime(2026, 11, 23, 3), datetime(2026, 11, 17, 3), datetime(2026, 11, 18, 3)):
        ReviewEvent.create(collection=done, kind="approve", actor=li, at=at)
    figures = dashboard.for_authority(li.authority_id, MONDAY)
    assert dict(figures["states"])["待审核"] == 4
    assert [n for _, n in figures["waiting"]] == [1, 1, 0, 1, 1]
    assert figures["overdue"] == 2
    assert figures["weeks"]["reviewers"] == [("李审核", [0, 0, 0, 0, 0, 0, 2, 1])]
    row = [r for r in dashboard.for_province(MONDAY) if r[0].code == "150203"][0]
    assert row[1:] == (4, 2, 0)


def test_a_search_is_counted_up_to_the_cap_the_plain_queue_exactly(ctx, monkeypatch):
    for n in range(3):
        waiting(f"欧阳{n}", 300 + n)
    own = staff("reviewer", "150203")
    monkeypatch.setattr(worklist, "COUNT_CAP", 2)
    assert worklist.count(own, worklist.Filters(today=MONDAY, search="欧阳")) == (2, False)
    assert worklist.count(own, worklist.Filters(today=MONDAY)) == (3, True)


def test_a_result_that_fits_one_page_is_counted_from_the_page(ctx):
    for n in range(3):
        waiting(f"欧阳{n}", 300 + n)
    own = staff("reviewer", "150203")
    filters = worklist.Filters(today=MONDAY, search="欧阳")
    one_page = worklist.page(own, filters)
    with QueryCounter() as counter:
        assert worklist.count(own, filters, one_page) == (3, True)
    assert counter.count == 0
    first_of_two = worklist.page(own, filters, size=2)
    assert worklist.count(own, filters, first_of_two) == (3, True)  # a page with more after it: counted


def test_the_plain_queues_count_is_kept_until_its_figures_change(ctx):
    first, *_ = [waiting(f"欧阳{n}", 300 + n) for n in range(3)]
    own = staff("reviewer", "150203")
    plain = worklist.Filters(today=MONDAY)
    assert worklist.count(own, plain) == (3, True)
    with QueryCounter() as counter:
        assert worklist.count(own, plain) == (3, True)
    assert not any("COUNT" in sql for sql in counter.sql)  # only the authorities' version was read
    Collection.update(status="approved").where(Collection.id == first.id).execute()
    authorities.figures_changed(first.authority_id)  # as a decision does, in its transaction
    assert worklist.count(own, plain) == (2, True)


def test_a_submission_keeps_what_the_queue_filters_on_and_the_migration_fills_in_the_older(app, scans):
    with app.test_request_context():
        sent = submitted(app, scans)
        kept = Collection.get_by_id(sent.id)
        post = PostSection.get(PostSection.collection == sent)
        level = Education.get(Education.collection == sent, Education.mode == "full_time").level
        assert (kept.on_duty, kept.education_level) == (post.on_duty, level) and kept.education_level
        Collection.update(on_duty=None, education_level="", qualification_level="").execute()  # as before 16
        migrations.queue_filters(SchemaMigrator.from_database(db))
        again = Collection.get_by_id(sent.id)
        assert (again.on_duty, again.education_level, again.qualification_level) == (
            kept.on_duty,
            kept.education_level,
            kept.qualification_level,
        )
