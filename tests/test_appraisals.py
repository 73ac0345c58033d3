"""The yearly appraisal grid: all at once or nothing, a clear message for a missing grade or a person
who left, closed years frozen; the bureau's progress and close."""

import pytest

from console.archive import appraisals, work_history
from console.errors import RuleViolation
from console.infra import clock
from models import Account, Appraisal, AppraisalYear, AuditEntry, Authority
from tests.factories import on_duty_at, unit_at
from tests.helpers import csrf_token, make_account, session_for


@pytest.fixture
def unit(ctx):
    return unit_at(Authority.get(Authority.code == "150105"))


@pytest.fixture
def head(ctx, unit):
    return Account.create(username="head", password_hash="x", role="unit_head", unit=unit, created_at=clock.now())


def grades(**by_person):
    return {person.id: {"grade": grade, "morality": "诚实守信"} for person, grade in by_person.values()}


def test_the_grid_lists_the_units_on_duty_people_and_saves_them_all(unit, head):
    zhang, li = on_duty_at(unit, "张三", 401), on_duty_at(unit, "李四", 402)
    assert {r.accountant.name for r in appraisals.grid(unit, 2025)} == {"张三", "李四"}
    saved = appraisals.save(
        unit, 2025, {zhang.id: {"grade": "excellent", "ability": "业务熟练"}, li.id: {"grade": "qualified"}}, head, 2026
    )
    assert saved == 2
    assert {(a.accountant.name, a.grade, a.ability) for a in Appraisal.select()} == {
        ("张三", "excellent", "业务熟练"),
        ("李四", "qualified", ""),
    }
    appraisals.save(unit, 2025, {zhang.id: {"grade": "qualified"}, li.id: {"grade": "qualified"}}, head, 2026)
    assert Appraisal.select().count() == 2 and Appraisal.get(Appraisal.accountant == zhang).grade == "qualified"
    assert AuditEntry.select().where(AuditEntry.action == "appraisal.save").count() == 2


def test_a_missing_grade_names_the_person_and_saves_nobody(unit, head):
    zhang, li = on_duty_at(unit, "张三", 401), on_duty_at(unit, "李四", 402)
    with pytest.raises(appraisals.GridRefused) as refused:
        appraisals.save(unit, 2025, {zhang.id: {"grade": "excellent"}, li.id: {"grade": ""}}, head, 2026)
    assert refused.value.errors == {li.id: "请为 李四 选择考评等次"}
    assert Appraisal.select().count() == 0


def test_someone_who_left_since_the_grid_was_opened_is_refused_by_name(unit, head):
    zhang, li = on_duty_at(unit, "张三", 401), on_duty_at(unit, "李四", 402)
    work_history.end_duty([li.id], clock.now().date(), "departure")
    with pytest.raises(appraisals.GridRefused) as refused:
        appraisals.save(unit, 2025, {zhang.id: {"grade": "excellent"}, li.id: {"grade": "qualified"}}, head, 2026)
    assert refused.value.errors == {li.id: "李四 已离岗或不在本单位，不能考评"}
    assert Appraisal.select().count() == 0


def test_a_closed_year_is_frozen_and_a_future_year_refused(unit, head):
    zhang = on_duty_at(unit, "张三", 401)
    reviewer = Account.create(
        username="r", password_hash="x", role="reviewer", authority=unit.authority, created_at=clock.now()
    )
    assert appraisals.close_year(unit.authority, 2025, reviewer)
    assert not appraisals.close_year(unit.authority, 2025, reviewer)  # closing twice changes nothing
    with pytest.raises(RuleViolation, match="2025 年度考评已由会计管理机构关闭，不能再修改"):
        appraisals.save(unit, 2025, {zhang.id: {"grade": "excellent"}}, head, 2026)
    with pytest.raises(RuleViolation, match="考评年度应在 2000—2026 之间"):
        appraisals.save(unit, 2027, {zhang.id: {"grade": "excellent"}}, head, 2026)
    assert AppraisalYear.select().count() == 1 and Appraisal.select().count() == 0


def test_the_console_grid_keeps_what_was_typed_when_refused(app):
    with app.test_request_context():
        unit = unit_at(Authority.get(Authority.code == "150105"))
        zhang, li = on_duty_at(unit, "张三", 401), on_duty_at(unit, "李四", 402)
    head = make_account(app, "unit_head", "head", unit=unit)
    client = session_for(app, head)
    token = csrf_token(client, "/console/appraisal/?year=2025")
    refused = client.post(
        "/console/appraisal/save?year=2025",
        data={
            "csrf_token": token,
            f"grade-{zhang.id}": "excellent",
            f"morality-{zhang.id}": "爱岗敬业",
            f"grade-{li.id}": "",
        },
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "请为 李四 选择考评等次" in page
    assert 'value="爱岗敬业"' in page and '<option value="excellent" selected>' in page
    assert Appraisal.select().count() == 0
    done = client.post(
        "/console/appraisal/save?year=2025",
        data={"csrf_token": token, f"grade-{zhang.id}": "excellent", f"grade-{li.id}": "qualified"},
        follow_redirects=True,
    )
    assert "已保存 2025 年度考评 2 人" in done.get_data(as_text=True)


def test_the_bureau_sees_progress_and_closes_the_year(app):
    reviewer = make_account(app, "reviewer", "reviewer")
    with app.test_request_context():
        unit = unit_at(reviewer.authority)
        on_duty_at(unit, "张三", 401)
    client = session_for(app, reviewer)
    page = client.get("/console/appraisal/?year=2025").get_data(as_text=True)
    assert '<td>示范单位</td><td class="text-right">1</td><td class="text-right">0</td>' in page
    token = csrf_token(client, "/console/appraisal/?year=2025")
    closed = client.post("/console/appraisal/close?year=2025", data={"csrf_token": token}, follow_redirects=True)
    assert "已关闭 2025 年度考评" in closed.get_data(as_text=True)
    assert AppraisalYear.get().authority_id == reviewer.authority_id
