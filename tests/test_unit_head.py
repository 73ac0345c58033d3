"""The head's console: its own unit's people only; departures close the work period; credit records
count once the bureau confirms; address and phone edited directly, name and USCC by request."""

from datetime import date

import pytest

from console.archive import credit_records, work_history
from console.errors import RuleViolation
from console.infra import clock
from console.org import units
from console.profiles import current_profile
from models import Accountant, Authority, CreditRecord, Unit, UnitChange, WorkPeriod
from tests.factories import on_duty_at, unit_at, unit_code
from tests.helpers import csrf_token, make_account, session_for

TODAY = date(2026, 11, 22)


@pytest.fixture
def world(app):
    """A unit of the reviewer's bureau with its head and two people; a second unit with one person."""
    reviewer = make_account(app, "reviewer", "reviewer")
    with app.test_request_context():
        unit, other = unit_at(reviewer.authority, 1), unit_at(reviewer.authority, 2, "别的单位")
        people = [on_duty_at(unit, "张三", 401), on_duty_at(unit, "李四", 402), on_duty_at(other, "王五", 403)]
    head = make_account(app, "unit_head", "head", unit=unit)
    return {"reviewer": reviewer, "unit": unit, "other": other, "people": people, "head": head}


def test_a_departure_ends_the_duty_and_closes_the_period(app, world, ctx):
    zhang = world["people"][0]
    work_history.report_departure(zhang, date(2026, 6, 30), world["head"], TODAY)
    person = Accountant.get_by_id(zhang.id)
    assert not person.on_duty
    assert [(p.started_on, p.ended_on, p.on_duty, p.source) for p in person.work_periods.order_by(WorkPeriod.id)] == [
        (date(2015, 3, 1), date(2026, 6, 30), True, "declared"),
        (date(2026, 6, 30), None, False, "departure"),
    ]
    assert work_history.accounting_work_years(list(person.work_periods), TODAY) == 11.3


@pytest.mark.parametrize(
    "day, message",
    [
        (None, "请填写离岗日期，且不能晚于今天"),
        (date(2026, 11, 23), "请填写离岗日期，且不能晚于今天"),
        (date(2015, 2, 28), "离岗日期不能早于本段工作的开始日期 2015-03-01"),
    ],
)
def test_a_departure_date_must_fall_in_the_current_period(world, ctx, day, message):
    with pytest.raises(RuleViolation, match=message):
        work_history.report_departure(world["people"][0], day, world["head"], TODAY)
    assert Accountant.get_by_id(world["people"][0].id).on_duty


def test_a_head_acts_for_the_own_unit_only(world, ctx):
    wang = world["people"][2]
    with pytest.raises(RuleViolation, match="只能为本单位的会计人员报告离岗"):
        work_history.report_departure(wang, date(2026, 6, 30), world["head"], TODAY)
    with pytest.raises(RuleViolation, match="只能为本单位的会计人员报送信用信息"):
        credit_records.report(wang, "trust", TODAY, "按时报送", world["head"], TODAY)


def test_the_console_refuses_another_units_person_and_keeps_a_bad_date_out(app, world):
    client = session_for(app, world["head"])
    assert client.get(f"/console/unit_people/{world['people'][2].id}/departure").status_code == 404
    people = client.get("/console/unit_people/").get_data(as_text=True)
    assert "张三" in people and "李四" in people and "王五" not in people
    token = csrf_token(client, f"/console/unit_people/{world['people'][0].id}/departure")
    bad = client.post(
        f"/console/unit_people/{world['people'][0].id}/departure", data={"csrf_token": token, "day": "2026-13-01"}
    )
    assert bad.status_code == 422 and "请填写离岗日期，且不能晚于今天" in bad.get_data(as_text=True)
    done = client.post(
        f"/console/unit_people/{world['people'][0].id}/departure",
        data={"csrf_token": token, "day": "2026-06-30"},
        follow_redirects=True,
    )
    assert "已报告 张三 于 2026-06-30 离岗" in done.get_data(as_text=True)


def test_credit_records_count_once_the_bureau_confirms(app, world, ctx):
    record = credit_records.report(world["people"][0], "breach", date(2026, 5, 1), "伪造凭证", world["head"], TODAY)
    assert record.status == "pending" and record.source == "unit"
    outsider = Authority.get(Authority.code == "150203")
    stranger = make_account(app, "reviewer", "stranger", authority=outsider)
    with pytest.raises(RuleViolation, match="该信用信息不属于本机构确认"):
        credit_records.decide(record, stranger, True)
    credit_records.decide(record, world["reviewer"], True)
    assert CreditRecord.get_by_id(record.id).status == "confirmed"
    with pytest.raises(RuleViolation, match="该信用信息已处理"):
        credit_records.decide(record, world["reviewer"], False)


def test_the_credit_form_keeps_what_was_typed_when_refused(app, world):
    client = session_for(app, world["head"])
    token = csrf_token(client, "/console/credit_record/")
    refused = client.post(
        "/console/credit_record/",
        data={
            "csrf_token": token,
            "accountant": str(world["people"][0].id),
            "kind": "trust",
            "occurred_on": "",
            "description": "连续五年无差错",
        },
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "请填写发生日期，且不能晚于今天" in page and "连续五年无差错" in page
    assert CreditRecord.select().count() == 0


def test_the_head_edits_contact_directly_and_asks_for_a_new_name(app, world, ctx):
    unit, head = world["unit"], world["head"]
    units.update_contact(unit, "新华大街 9 号", "0471-1234567", head)
    assert (Unit.get_by_id(unit.id).address, Unit.get_by_id(unit.id).phone) == ("新华大街 9 号", "0471-1234567")
    with pytest.raises(RuleViolation, match="单位电话格式不正确"):  # one rule with the wizard
        units.update_contact(unit, "新华大街 9 号", "电话", head)
    change = units.request_change(unit, "示范单位（集团）", unit.uscc, unit.region_code, head, current_profile)
    assert Unit.get_by_id(unit.id).name == "示范单位"  # not before the bureau confirms
    with pytest.raises(RuleViolation, match="已有一项变更申请正在确认"):
        units.request_change(unit, "又一个名字", unit.uscc, unit.region_code, head, current_profile)
    with pytest.raises(RuleViolation, match="请填写退回原因"):
        units.decide_change(change, world["reviewer"], False, "")
    units.decide_change(change, world["reviewer"], True)
    assert Unit.get_by_id(unit.id).name == "示范单位（集团）"
    assert UnitChange.get_by_id(change.id).status == "approved"


@pytest.mark.parametrize(
    "name, code, region, message",
    [
        ("", None, "150105", "请填写单位全称"),
        ("示范单位", "91150105MA0000001X", "150105", "统一社会信用代码不正确"),
        ("示范单位", None, "110105", "所在地区代码应为本省"),
        ("示范单位", "other", "150105", "该统一社会信用代码已属于“别的单位”"),
        ("示范单位", None, None, "均未改变"),
    ],
)
def test_a_change_request_says_what_is_wrong(world, ctx, name, code, region, message):
    unit = world["unit"]
    code = world["other"].uscc if code == "other" else code or unit.uscc
    with pytest.raises(RuleViolation, match=message):
        units.request_change(unit, name, code, region or unit.region_code, world["head"], current_profile)
    assert UnitChange.select().count() == 0


def test_a_change_moves_the_unit_to_the_bureau_of_its_new_region(app, world, ctx):
    unit = world["unit"]
    change = units.request_change(unit, unit.name, unit_code("150203", 5), "150203", world["head"], current_profile)
    units.decide_change(change, world["reviewer"], True)
    assert Unit.get_by_id(unit.id).authority.code == "150203"


def test_the_heads_home_page_counts_the_unit(app, world):
    page = session_for(app, world["head"]).get("/console/").get_data(as_text=True)
    last_year = clock.today().year - 1
    assert "示范单位" in page and '<th>在岗会计人员</th><td class="text-right">2</td>' in page
    assert f"{last_year} 年度已考评" in page


def test_the_list_the_counts_and_the_grid_agree_on_who_is_the_units_accountant(app, world):
    with app.test_request_context():
        drafted, departed = on_duty_at(world["unit"], "赵草稿", 404), on_duty_at(world["unit"], "钱异动", 405)
        Accountant.update(archive_state="pending").where(Accountant.id == drafted.id).execute()  # only a draft yet
        Accountant.update(archive_state="abnormal").where(Accountant.id == departed.id).execute()
    head = session_for(app, world["head"])
    listed = head.get("/console/unit_people/").get_data(as_text=True)
    grid = head.get(f"/console/appraisal/?year={clock.today().year - 1}").get_data(as_text=True)
    home = head.get("/console/").get_data(as_text=True)
    assert '<th>在岗会计人员</th><td class="text-right">2</td>' in home
    for page in (listed, grid):
        assert "张三" in page and "李四" in page and "赵草稿" not in page and "钱异动" not in page
