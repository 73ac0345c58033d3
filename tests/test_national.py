"""国家平台报送: the archive in the 《会计人员基本信息表》 format, full or changed since a day, as CSV and JSON; read
in batches of constant queries; made by the worker for the province admin at the province level, its file
downloadable by its asker only; the command line's export; every export and download audited."""

import csv
import io
import json
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from console import ROOT
from console.archive import national, work_history
from console.infra import audit, clock
from console.infra.database import QueryCounter
from console.org import units
from console.review import decisions
from models import (
    Account,
    Accountant,
    AuditEntry,
    Authority,
    Award,
    Collection,
    CreditRecord,
    Education,
    EducationCredit,
    Job,
    PersonalSection,
    PostSection,
    Publication,
    QualificationSection,
    ReviewEvent,
    RuleChange,
    RuleRun,
    Unit,
    Violation,
    WorkPeriod,
    db,
)
from tests.factories import submitted, unit_at
from tests.helpers import csrf_token, make_account, make_accountant, resident_id, session_for

LONG_AGO = datetime(2024, 1, 10, 2, 0)


def archived(serial, decided_at=LONG_AGO, authority=None):
    """Someone who entered the archive by a collection approved at `decided_at`, with nothing since."""
    authority = authority or Authority.get(Authority.code == "150105")
    person = make_accountant(
        name=f"档案{serial}", id_number=resident_id(serial=serial), phone=f"136{serial:08d}", authority=authority
    )
    collection = Collection.create(
        accountant=person,
        authority=authority,
        status="approved",
        revision=1,
        submitted_at=decided_at,
        decided_at=decided_at,
        created_at=decided_at,
        updated_at=decided_at,
    )
    PersonalSection.create(
        collection=collection,
        name=person.name,
        id_type="resident",
        id_number=person.id_number,
        phone=person.phone,
        ethnicity="蒙古族",
        nationality="中国",
        political_status="群众",
    )
    PostSection.create(collection=collection, has_unit=False, residence_type="household")
    Education.create(collection=collection, mode="full_time", level="大专", major="会计", school="包头职业技术学院")
    QualificationSection.create(collection=collection, level="初级", kind="会计类", way="考试")
    ReviewEvent.create(collection=collection, kind="auto_pass", revision=1, at=decided_at)
    Accountant.update(archive_state="archived", archived_at=decided_at).where(Accountant.id == person.id).execute()
    return Accountant.get_by_id(person.id)


def export(since=None):
    return {person["id_number"]: person for person in national.rows(since)}


@pytest.fixture
def approved(app, scans):
    """Someone brought into the archive the way the product does it: a full Inner Mongolia collection submitted
    and approved; then every section the format has filled, credits imported and credit records entered."""
    with app.test_request_context(), db.connection_context():  # its own: a test client must not share its g
        collection = submitted(app, scans, name="王影", serial=124, phone="13912345678")
        decisions.approve(collection, None, app.extensions["profile"])
        QualificationSection.update(
            kind="会计类",
            level="中级",
            way="考试",
            acquired_on=date(2016, 9, 1),
            certificate_no="Z160901",
            cpa=True,
            high_end_talent=True,
            talent_category="企业类",
            talent_state="在培",
            talent_selected_year="2022",
        ).where(QualificationSection.collection == collection).execute()
        PostSection.update(admin_post="财务科长", tech_post="会计师", tech_post_appointed_on=date(2017, 1, 1)).where(
            PostSection.collection == collection
        ).execute()
        Education.create(
            collection=collection,
            mode="part_time",
            level="硕士研究生",
            degree="硕士",
            school="内蒙古大学",
            record_code="A1B2 C3D4",
        )
        Award.create(collection=collection, awarded_on=date(2020, 5, 1), level="省级", issuer="财政厅", content="=1+1")
        Violation.create(collection=collection, kind="违规", punished_on=date(2019, 3, 1), punisher="某局", term="一年")
        Publication.create(collection=collection, title="论会计", published_on=date(2021, 1, 1), author_rank=2)
        person = collection.accountant
        now = clock.now()
        for year, credits, professional in ((2023, "90", "60"), (2024, "50", "30"), (2024, "40.5", "30")):
            EducationCredit.create(
                accountant=person,
                year=year,
                credits=Decimal(credits),
                professional_credits=Decimal(professional),
                imported_at=now,
            )
        head = make_account(app, "unit_head", "head")
        for status, text in (("confirmed", "按时报送\n会计报表"), ("pending", "待确认的")):
            CreditRecord.create(
                accountant=person,
                kind="trust",
                source="unit",
                status=status,
                occurred_on=date(2025, 6, 1),
                description=text,
                entered_by=head,
                entered_at=now,
            )
        return Accountant.get_by_id(person.id)


def test_the_columns_are_the_documented_version(app):
    assert national.FORMAT_VERSION == 1 and len(set(national.KEYS)) == len(national.KEYS)
    assert len(set(national.HEADERS)) == len(national.HEADERS)
    documented = (ROOT / "docs" / "national-format.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\w+)` \| ([^|]+?) \|", documented, re.MULTILINE))
    assert rows == dict(zip(national.KEYS, national.HEADERS))  # every field, named as the export names it
    assert list(rows) == list(national.KEYS)  # in the export's order
    assert "版本 1" in documented


def test_a_persons_row_holds_every_section_with_the_full_id_and_phone(app, approved, ctx):
    row = export()[approved.id_number]
    assert list(row) == list(national.KEYS)
    assert (row["id_number"], row["phone"], row["name"]) == (approved.id_number, "13912345678", "王影")
    assert (row["id_type"], row["gender"], row["birth_date"]) == ("居民身份证", "女", "1990-03-07")
    assert (row["ethnicity"], row["nationality"], row["political_status"]) == ("汉族", "中国", "群众")
    assert row["email"] == "wang@example.cn" and row["archived_on"] == clock.today().isoformat()
    assert (row["authority_name"], row["authority_code"]) == ("昆都仑区财政局", "150203")
    assert (row["has_unit"], row["on_duty"], row["unit_name"], row["unit_region"]) == (True, True, "示范单位", "150203")
    assert row["unit_uscc"] == approved.unit.uscc
    assert (row["post"], row["admin_post"], row["tech_post"]) == ("出纳", "财务科长", "会计师")
    assert (row["tech_post_appointed_on"], row["work_started_on"]) == ("2017-01-01", "2012-08-01")
    assert (row["full_time_level"], row["full_time_school"], row["full_time_graduated_on"]) == (
        "本科",
        "内蒙古财经大学",
        "2012-07-01",
    )
    assert (row["part_time_level"], row["part_time_degree"], row["part_time_in_school"]) == (
        "硕士研究生",
        "硕士",
        False,
    )
    assert row["part_time_record_code"] == "A1B2C3D4"  # kept without the spaces it was typed with
    assert (row["qualification_level"], row["qualification_acquired_on"], row["qualification_certificate_no"]) == (
        "中级",
        "2016-09-01",
        "Z160901",
    )
    assert (row["cpa"], row["tax_adviser"], row["high_end_talent"]) == (True, False, True)
    assert (row["talent_category"], row["talent_state"], row["talent_selected_year"]) == ("企业类", "在培", "2022")
    assert (row["award_on"], row["award_issuer"], row["violation_punisher"], row["violation_term"]) == (
        "2020-05-01",
        "财政厅",
        "某局",
        "一年",
    )
    assert (row["publication_title"], row["publication_author_rank"]) == ("论会计", 2)
    expected_years = work_history.accounting_work_years(list(approved.work_periods), clock.today())
    assert row["accounting_years"] == expected_years > 10
    assert row["continuing_education"] == [
        {"year": 2023, "credits": 90.0, "professional_credits": 60.0, "completed": True},
        {"year": 2024, "credits": 90.5, "professional_credits": 60.0, "completed": True},
    ]
    assert row["credit_records"] == [  # the confirmed one: a unit's record counts once the bureau confirms it
        {"kind": "守信", "source": "单位申报", "occurred_on": "2025-06-01", "description": "按时报送\n会计报表"}
    ]


def test_work_before_full_time_study_ended_is_no_accounting_year(app, ctx):
    worked, studying = archived(310), archived(311)
    Education.update(graduated_on=date(2015, 7, 1)).where(Education.collection.in_(worked.collections)).execute()
    Education.update(in_school=True).where(Education.collection.in_(studying.collections)).execute()
    for person in (worked, studying):
        WorkPeriod.create(accountant=person, started_on=date(2010, 1, 1), on_duty=True, source="declared")
    rows = export()
    since_graduation = work_history.accounting_work_years(list(worked.work_periods), clock.today(), date(2015, 7, 1))
    assert rows[worked.id_number]["accounting_years"] == since_graduation < (clock.today().year - 2010)
    assert rows[studying.id_number]["accounting_years"] == 0  # 勤工助学 while at school (002 §十二(一))


def test_the_archive_as_its_latest_approved_collection_says_not_an_open_change(app, approved, ctx):
    Accountant.update(on_duty=False).where(Accountant.id == approved.id).execute()  # the yearly rules moved them
    latest = Collection.select().where(Collection.accountant == approved.id).get()
    now = clock.now()
    for status, level in (("approved", "副高级"), ("draft", "正高级")):  # a 信息变更 approved, then another begun
        change = Collection.create(
            accountant=approved,
            authority=latest.authority_id,
            kind="change",
            status=status,
            created_at=now,
            updated_at=now,
        )
        QualificationSection.create(collection=change, level=level)
    row = export()[approved.id_number]
    assert (row["qualification_level"], row["full_time_level"], row["on_duty"]) == ("副高级", "", False)


def test_people_not_in_the_archive_are_absent(app, approved, ctx, scans):
    waiting = submitted(app, scans, name="李等", serial=125, phone="13912345679").accountant
    gone = archived(301)
    Accountant.update(archive_state="abnormal").where(Accountant.id == gone.id).execute()
    kept = archived(302)
    assert set(export()) == {approved.id_number, kept.id_number}
    assert waiting.id_number not in export() and national.count() == 2


@pytest.fixture
def settled(ctx):
    """The authority tree as loaded long ago (the tests' tree was loaded today: its bureaus changed today)."""
    Authority.update(updated_at=LONG_AGO).execute()


def confirm_record(person, now):
    head = Account.create(username="head-x", password_hash="x", role="unit_head", created_at=now)
    CreditRecord.create(
        accountant=person,
        kind="breach",
        source="unit",
        status="confirmed",
        occurred_on=date(2025, 1, 1),
        description="x",
        entered_by=head,
        entered_at=now - timedelta(days=30),
        confirmed_by=head,
        confirmed_at=now,
    )


def import_credits(person, now):
    EducationCredit.create(accountant=person, year=2025, credits=90, professional_credits=60, imported_at=now)


def approve_change(person, now):
    latest = Collection.get(Collection.accountant == person.id)
    change = Collection.create(
        accountant=person,
        authority=latest.authority_id,
        kind="change",
        status="approved",
        created_at=now,
        updated_at=now,
        decided_at=now,
    )
    ReviewEvent.create(collection=change, kind="approve", at=now)


def apply_rules(person, now):
    run = RuleRun.create(year=2026, dry_run=False, started_at=now, finished_at=now, report="{}")
    RuleChange.create(run=run, accountant=person, rule="appraisal", why="两年无考评")


def report_departure(person, now):
    audit.record("accountant.departure", person, {"姓名": person.name})


def correct_the_unit(person, now):
    unit = unit_at(person.authority, serial=41, name="改名前")
    Accountant.update(unit=unit).where(Accountant.id == person.id).execute()
    units.update_contact(unit, unit.address, "0472-1234567", head_of(unit))


def head_of(unit):
    return Account.create(
        username=f"head-{unit.id}", password_hash="x", role="unit_head", unit=unit, created_at=clock.now()
    )


def rename_the_bureau(person, now):
    Authority.update(name="改名后的财政局", updated_at=now).where(Authority.id == person.authority_id).execute()


@pytest.mark.parametrize(
    "change",
    (
        confirm_record,
        import_credits,
        approve_change,
        apply_rules,
        report_departure,
        correct_the_unit,
        rename_the_bureau,
    ),
)
def test_changed_since_a_day_lists_the_changed_and_leaves_out_the_unchanged(app, settled, change):
    changed = archived(401)
    unchanged = archived(402, authority=Authority.get(Authority.code == "150203"))
    change(changed, clock.now())
    today = clock.today()
    assert set(export(today)) == {changed.id_number}
    assert set(export(today + timedelta(days=1))) == set()  # it happened before that day began
    assert set(export()) == {changed.id_number, unchanged.id_number}


def test_entering_the_archive_is_a_change_of_that_day(app, settled, monkeypatch):
    archived(403)
    entered = archived(404, decided_at=clock.now())
    assert set(export(clock.today())) == {entered.id_number}
    monkeypatch.setattr(national, "BATCH", 1)  # a batch a person: the condition's parameters before the page's
    assert set(export(LONG_AGO.date())) == {entered.id_number, resident_id(serial=403)}


def test_the_csv_opens_in_excel_with_its_formulas_neutralised(app, approved, ctx):
    Unit.update(name="@SUM(A1)", address="示范路,=1号", phone="\t0472").where(Unit.id == approved.unit_id).execute()
    Violation.update(term="-1").execute()
    out = io.BytesIO()
    assert national.write_csv(out) == 1
    data = out.getvalue()
    assert data.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0] == list(national.HEADERS) and len(table) == 2
    row = dict(zip(national.KEYS, table[1]))
    assert (row["id_number"], row["phone"]) == (approved.id_number, "13912345678")
    assert (row["unit_name"], row["award_content"]) == ("'@SUM(A1)", "'=1+1")  # shown as text, never run
    assert (row["violation_term"], row["unit_phone"]) == ("'-1", "'\t0472")
    assert row["unit_address"] == "示范路,=1号"  # inside the cell: no formula
    assert (row["on_duty"], row["part_time_in_school"], row["gender"]) == ("是", "否", "女")
    assert row["continuing_education"] == (
        "2023年 90.0 学分（专业科目 60.0），已完成\n2024年 90.5 学分（专业科目 60.0），已完成"
    )
    assert row["credit_records"] == "2025-06-01 守信（单位申报）：按时报送 会计报表"


def test_the_json_document_declares_its_format_and_version(app, approved, ctx):
    out = io.BytesIO()
    since = clock.today()
    assert national.write_json(out, since) == 1
    document = json.loads(out.getvalue())
    assert (document["format"], document["version"], document["since"]) == (
        "accountant-basic-info",
        1,
        since.isoformat(),
    )
    assert document["province"] == {"code": "15", "name": "内蒙古自治区"}
    assert datetime.fromisoformat(document["generated_at"]).utcoffset() == timedelta(hours=8)
    [person] = document["people"]
    assert list(person) == list(national.KEYS) and person["id_number"] == approved.id_number
    assert person["cpa"] is True and person["award_content"] == "=1+1"  # data, not a spreadsheet
    empty = io.BytesIO()
    national.write_json(empty, since + timedelta(days=1))
    assert json.loads(empty.getvalue())["people"] == []


def queries_to_export(first, count):
    for serial in range(first, first + count):
        archived(serial)
    list(national.rows())  # the profile's settings read once, as by any request before
    with QueryCounter() as counter:
        assert len(list(national.rows())) == count
    return counter.count


def test_each_batch_costs_the_same_few_queries_however_many_people_it_holds(app, ctx):
    ten = queries_to_export(500, 10)
    Accountant.update(archive_state="abnormal").execute()  # the next export reads only the fifty
    assert ten == queries_to_export(600, 50) <= 6  # one batch's few queries, and the empty batch's one


def test_the_archive_is_read_a_batch_at_a_time(app, ctx, monkeypatch):
    monkeypatch.setattr(national, "BATCH", 4)
    for serial in range(600, 610):
        archived(serial)
    list(national.rows())  # the profile's settings read once, as by any request before
    people = national.rows()
    with QueryCounter() as counter:
        first = [next(people) for _ in range(4)]
    per_batch = counter.count  # only the first batch has been read
    with QueryCounter() as counter:
        rest = list(people)
    assert counter.count == 2 * per_batch + 1  # two more batches (the last one short), then the empty one
    assert [p["id_number"] for p in first + rest] == [resident_id(serial=s) for s in range(600, 610)]


# ---------------------------------------------------------------- the console and the command line


def start(client, **data):
    page = "/console/national/"
    return client.post(page, data={"csrf_token": csrf_token(client, page), "format": "csv", "since": "", **data})


def test_the_province_admin_exports_and_only_they_download_the_file(app, approved):
    admin = make_account(app, "province_admin", "admin")
    client = session_for(app, admin)
    page = client.get("/console/national/").get_data(as_text=True)
    assert "国家平台报送" in page and "完整的证件号码" in page
    response = start(client)
    assert response.status_code == 302
    job = Job.get_by_id(int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert (job.kind, job.state, job.started_by_id) == ("national_export", "done", admin.id)
    shown = client.get(f"/console/jobs/{job.id}").get_data(as_text=True)
    assert "共 1 行" in shown and "下载 内蒙古自治区会计人员基本信息表_v1_全量_" in shown
    file = client.get(f"/console/jobs/{job.id}/file")
    body = file.get_data().decode("utf-8-sig")
    file.close()
    assert file.status_code == 200 and file.mimetype == "text/csv"
    assert approved.id_number in body and "13912345678" in body
    colleague = make_account(app, "province_admin", "colleague")
    assert session_for(app, colleague).get(f"/console/jobs/{job.id}/file").status_code == 404
    actions = [e.action for e in AuditEntry.select().where(AuditEntry.action.startswith("national."))]
    assert actions == ["national.export", "national.export_download"]
    assert "全部在库人员" in AuditEntry.get(AuditEntry.action == "national.export").detail


def test_a_json_export_since_a_day_is_a_json_file(app, approved):
    client = session_for(app, make_account(app, "province_admin", "admin"))
    response = start(client, format="json", since=clock.today().isoformat())
    job = Job.get_by_id(int(response.headers["Location"].rsplit("/", 1)[1]))
    assert json.loads(job.params)["since"] == clock.today().isoformat()
    file = client.get(f"/console/jobs/{job.id}/file")
    document = json.loads(file.get_data())
    file.close()
    assert file.mimetype == "application/json" and document["since"] == clock.today().isoformat()
    assert [p["id_number"] for p in document["people"]] == [approved.id_number]


@pytest.mark.parametrize("role", ("reviewer", "city_admin", "unit_head", "accountant", "auditor", None))
def test_no_one_else_may_export(app, role):
    account = None
    if role == "city_admin":  # an admin of a city's bureau: the report is the province's
        with app.app_context():
            city = Authority.get(Authority.code == "1502")
        account = make_account(app, "province_admin", "city", authority=city)
    elif role:
        account = make_account(app, role, role)
    client = session_for(app, account)
    expected = 302 if role is None else 403
    assert client.get("/console/national/").status_code == expected
    token = csrf_token(client, "/console/login" if role is None else "/console/password")
    assert client.post("/console/national/", data={"csrf_token": token, "format": "csv"}).status_code == expected
    with app.app_context(), db.connection_context():
        assert not Job.select().exists()


@pytest.mark.parametrize(
    "typed, message",
    (
        ("2026-13-45", "请按“年-月-日”填写日期，例如 2026-01-01"),
        ("20260101", "请按“年-月-日”填写日期，例如 2026-01-01"),
        ("去年", "请按“年-月-日”填写日期，例如 2026-01-01"),
        ("2999-01-01", "变化起始日期不能晚于今天"),
    ),
)
def test_a_bad_day_is_refused_with_what_was_typed_kept_and_nothing_started(app, typed, message):
    client = session_for(app, make_account(app, "province_admin", "admin"))
    response = start(client, since=typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page and f'value="{typed}"' in page
    with app.app_context(), db.connection_context():
        assert (
            not Job.select().exists() and not AuditEntry.select().where(AuditEntry.action == "national.export").exists()
        )


def test_an_unknown_format_is_refused(app):
    client = session_for(app, make_account(app, "province_admin", "admin"))
    response = start(client, format="xml")
    assert response.status_code == 422 and "请选择文件格式：CSV 或 JSON" in response.get_data(as_text=True)
    with app.app_context(), db.connection_context():
        assert not Job.select().exists()


def test_one_export_at_a_time(app):
    admin = make_account(app, "province_admin", "admin")
    with app.app_context(), db.connection_context():
        Job.create(
            kind="national_export",
            started_by=admin,
            created_at=clock.now(),
            started_at=clock.now(),
            state="running",
            running_key="national_export",
        )
    response = start(session_for(app, admin))
    assert response.status_code == 422 and "已有国家平台报送导出任务正在进行" in response.get_data(as_text=True)


def test_the_command_line_writes_the_file_and_audits_it(app, approved, ctx, tmp_path):
    output = tmp_path / "基本信息表.json"
    result = app.test_cli_runner().invoke(args=["national-export", "--format", "json", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert "已导出 1 名会计人员" in result.output and not Path(f"{output}.part").exists()
    assert json.loads(output.read_text(encoding="utf-8"))["people"][0]["phone"] == "13912345678"
    entry = AuditEntry.get(AuditEntry.action == "national.export")
    assert entry.actor_name == "命令行" and str(output) in entry.detail
    csv_out = tmp_path / "out.csv"
    since = ["--since", clock.today().isoformat()]
    result = app.test_cli_runner().invoke(args=["national-export", "--format", "csv", *since, "--output", str(csv_out)])
    assert result.exit_code == 0 and approved.id_number in csv_out.read_text(encoding="utf-8-sig")


def test_the_command_line_refuses_a_bad_day(app, ctx, tmp_path):
    output = tmp_path / "x.csv"
    args = ["national-export", "--format", "csv", "--since", "2026/01/01", "--output", str(output)]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 2 and "请按“年-月-日”填写日期" in result.output and not output.exists()


def test_a_failed_export_run_again_by_a_city_admin_exports_nothing(app):
    with app.app_context():
        city = Authority.get(Authority.code == "1502")
    admin, city_admin = (
        make_account(app, "province_admin", "admin"),
        make_account(app, "province_admin", "c", authority=city),
    )
    with app.app_context(), db.connection_context():
        failed = Job.create(
            kind="national_export",
            params=json.dumps({"format": "csv", "since": None, "filename": "x.csv"}),
            started_by=admin,
            created_at=clock.now(),
            state="failed",
            error="任务出错",
        )
    client = session_for(app, city_admin)
    page = f"/console/jobs/{failed.id}"
    again = client.post(f"{page}/rerun", data={"csrf_token": csrf_token(client, page)})
    job = Job.get_by_id(int(again.headers["Location"].rsplit("/", 1)[1]))
    assert (job.started_by_id, job.state, job.error) == (city_admin.id, "failed", "国家平台报送仅限省级管理员")
    assert client.get(f"/console/jobs/{job.id}/file").status_code == 404
