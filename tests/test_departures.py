"""自然减员: the bureau that manages a person takes them out of the archive (retired, deceased, left the
profession) and can undo it; the yearly rules pass departed people by; the person is told by SMS, as when
restored from 异动."""

from datetime import date, timedelta

import pytest

from console.archive import daily_rules, departures, registry
from console.collection import lifecycle
from console.errors import RuleViolation
from console.infra import clock
from models import (
    Accountant,
    AuditEntry,
    Authority,
    Collection,
    Departure,
    EducationCredit,
    OutboxMessage,
    RuleChange,
    WorkPeriod,
)
from tests.factories import on_duty_at, unit_at
from tests.helpers import csrf_token, make_account, session_for

SINCE = date(2015, 3, 1)


@pytest.fixture
def world(app):
    """Someone on duty at a unit of 赛罕区, its reviewer, a reviewer of the city above it and one of another county."""
    saihan = Authority.get(Authority.code == "150105")
    reviewer = make_account(app, "reviewer", "saihan", authority=saihan)
    with app.test_request_context():
        person = on_duty_at(unit_at(saihan), "张退休", 501, since=SINCE)
    return {
        "person": person,
        "reviewer": reviewer,
        "city": make_account(app, "reviewer", "huhehaote", authority=saihan.parent),
        "stranger": make_account(app, "reviewer", "kunqu", authority=Authority.get(Authority.code == "150203")),
    }


def depart(world, kind="retired", day=None, reason="达到法定退休年龄", by=None):
    return departures.depart(
        Accountant.get_by_id(world["person"].id),
        kind,
        day or clock.today() - timedelta(days=10),
        reason,
        by or world["reviewer"],
        world["profile"],
        clock.today(),
    )


@pytest.fixture
def ctx_world(app, world, ctx):
    return {**world, "profile": app.extensions["profile"]}


def sms_to(phone):
    return [m.body for m in OutboxMessage.select().where(OutboxMessage.recipient == phone).order_by(OutboxMessage.id)]


def test_a_departure_takes_the_person_out_of_the_archive_and_ends_the_period(ctx_world):
    day = clock.today() - timedelta(days=10)
    departure = depart(ctx_world, day=day)
    person = Accountant.get_by_id(ctx_world["person"].id)
    assert (person.archive_state, person.on_duty) == ("departed", False)
    assert [(p.started_on, p.ended_on) for p in person.work_periods] == [(SINCE, day)]  # no period after it
    assert (departure.kind, departure.departed_on, departure.reason, departure.was_on_duty) == (
        "retired",
        day,
        "达到法定退休年龄",
        True,
    )
    entry = AuditEntry.get(AuditEntry.action == "accountant.depart")
    assert entry.actor_id == ctx_world["reviewer"].id and "退休" in entry.detail and "达到法定退休年龄" in entry.detail
    assert sms_to(person.phone) == [
        "【内蒙古会计网】会计管理机构已将您的会计人员档案登记为自然减员（退休）。如有异议，请联系会计管理机构。"
    ]


def test_a_departed_person_reads_their_archive_but_opens_nothing(ctx_world):
    depart(ctx_world)
    with pytest.raises(RuleViolation, match="已作自然减员登记，只能查看"):
        lifecycle.open_change(Accountant.get_by_id(ctx_world["person"].id))
    assert not Collection.select().where(Collection.kind == "change").exists()


def test_no_sms_goes_to_the_phone_of_someone_who_died(ctx_world):
    depart(ctx_world, kind="deceased", reason="病故")
    assert Accountant.get_by_id(ctx_world["person"].id).archive_state == "departed"
    assert sms_to(ctx_world["person"].phone) == []


@pytest.mark.parametrize(
    "kind, day, reason, field, message",
    [
        ("", None, "退休", "kind", "请选择减员类型：退休、死亡或离开会计行业"),
        ("fired", None, "退休", "kind", "请选择减员类型"),
        ("retired", "tomorrow", "退休", "departed_on", "请填写减员日期，且不能晚于今天"),
        ("retired", date(2015, 2, 28), "退休", "departed_on", "减员日期不能早于本段工作的开始日期 2015-03-01"),
        ("retired", None, "  ", "reason", "请填写减员原因，不超过 500 字"),
        ("retired", None, "长" * 501, "reason", "请填写减员原因，不超过 500 字"),
    ],
)
def test_a_bad_departure_says_what_is_wrong_at_its_field_and_writes_nothing(
    ctx_world, kind, day, reason, field, message
):
    day = clock.today() + timedelta(days=1) if day == "tomorrow" else day
    with pytest.raises(RuleViolation, match=message) as refused:
        depart(ctx_world, kind, day, reason)
    assert refused.value.field == field
    person = Accountant.get_by_id(ctx_world["person"].id)
    assert (person.archive_state, person.on_duty) == ("archived", True)
    assert Departure.select().count() == 0 and WorkPeriod.get(WorkPeriod.accountant == person).ended_on is None
    assert not AuditEntry.select().where(AuditEntry.action == "accountant.depart").exists()
    assert sms_to(person.phone) == []


def test_only_the_managing_bureau_records_a_departure_and_only_from_the_archive(ctx_world):
    for other in ("city", "stranger"):
        with pytest.raises(RuleViolation, match="该人员不属于本机构管理"):
            depart(ctx_world, by=ctx_world[other])
    Accountant.update(archive_state="abnormal").where(Accountant.id == ctx_world["person"].id).execute()
    with pytest.raises(RuleViolation, match="只有在库人员可以登记自然减员"):
        depart(ctx_world)
    assert Departure.select().count() == 0


def test_an_undo_puts_the_person_back_as_they_were(ctx_world):
    departure = depart(ctx_world)
    person = Accountant.get_by_id(ctx_world["person"].id)
    with pytest.raises(RuleViolation, match="请填写撤销原因"):
        departures.undo(person, "", ctx_world["reviewer"], ctx_world["profile"])
    with pytest.raises(RuleViolation, match="该人员不属于本机构管理"):
        departures.undo(person, "误登记", ctx_world["stranger"], ctx_world["profile"])
    departures.undo(person, "误登记", ctx_world["reviewer"], ctx_world["profile"])
    person = Accountant.get_by_id(person.id)
    assert (person.archive_state, person.on_duty) == ("archived", True)
    assert [(p.started_on, p.ended_on) for p in person.work_periods] == [(SINCE, None)]
    undone = Departure.get_by_id(departure.id)
    assert undone.undone_by_id == ctx_world["reviewer"].id and undone.undo_reason == "误登记"
    assert AuditEntry.select().where(AuditEntry.action == "accountant.depart_undo").count() == 1
    assert sms_to(person.phone)[-1] == "【内蒙古会计网】您的自然减员登记已撤销，会计人员档案已恢复在库。"
    with pytest.raises(RuleViolation, match="该人员没有可撤销的自然减员登记"):
        departures.undo(person, "再撤一次", ctx_world["reviewer"], ctx_world["profile"])


def test_the_yearly_rules_pass_a_departed_person_by(app, ctx_world):
    """Both on duty since 2015 with neither appraisals nor credits: the rules name the one still in the archive."""
    with app.test_request_context():
        stays = on_duty_at(ctx_world["person"].unit, "李在库", 502, since=SINCE)
    for year in range(2019, clock.today().year):  # the credit bank holds these years
        EducationCredit.create(accountant=stays, year=year, credits=0, professional_credits=0, imported_at=clock.now())
    depart(ctx_world)
    run = daily_rules.apply_rules(clock.today().year, ctx_world["profile"], dry_run=True)
    named = {(c.accountant_id, c.rule) for c in RuleChange.select().where(RuleChange.run == run)}
    assert named == {(stays.id, "appraisal"), (stays.id, "continuing_education")}


def test_a_restore_from_abnormal_is_told_by_sms(ctx_world):
    person = ctx_world["person"]
    Accountant.update(archive_state="abnormal").where(Accountant.id == person.id).execute()
    registry.restore(Accountant.get_by_id(person.id), "已补足学分", ctx_world["reviewer"])
    assert sms_to(person.phone) == ["【内蒙古会计网】您的会计人员档案已从异动库恢复，可以重新登录系统。"]


def test_the_person_page_records_and_undoes_a_departure(app, world):
    person, client = world["person"], session_for(app, world["reviewer"])
    page_url = f"/console/accountant/details/?id={person.id}"
    url = f"/console/accountant/depart/?id={person.id}"
    assert "登记自然减员" in client.get(page_url).get_data(as_text=True)
    token = csrf_token(client, page_url)
    refused = client.post(url, data={"csrf_token": token, "kind": "retired", "departed_on": "", "reason": "到龄退休"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "请填写减员日期，且不能晚于今天" in page and "到龄退休" in page
    assert Departure.select().count() == 0
    day = (clock.today() - timedelta(days=3)).isoformat()
    done = client.post(
        url, data={"csrf_token": token, "kind": "left", "departed_on": day, "reason": "转行"}, follow_redirects=True
    )
    page = done.get_data(as_text=True)
    assert f"已将 {person.name} 登记为自然减员" in page and "自然减员：离开会计行业" in page
    assert "撤销自然减员，恢复在库" in page and "登记自然减员（退休" not in page
    undo = f"/console/accountant/depart/undo/?id={person.id}"
    refused = client.post(undo, data={"csrf_token": token, "reason": ""})
    assert refused.status_code == 422 and "请填写撤销原因" in refused.get_data(as_text=True)
    back = client.post(undo, data={"csrf_token": token, "reason": "误登记"}, follow_redirects=True)
    assert "恢复在库" in back.get_data(as_text=True)
    assert Accountant.get_by_id(person.id).archive_state == "archived"


def test_the_person_page_refuses_other_bureaus(app, world):
    person = world["person"]
    for who, status in (("stranger", 404), ("city", 403)):
        client = session_for(app, world[who])
        response = client.post(
            f"/console/accountant/depart/?id={person.id}",
            data={"csrf_token": csrf_token(client, "/console/accountant/"), "kind": "retired", "reason": "退休"},
        )
        assert response.status_code == status
    assert "登记自然减员" not in session_for(app, world["city"]).get(
        f"/console/accountant/details/?id={person.id}"
    ).get_data(as_text=True)  # the city reads the record, without the form
    admin = session_for(app, make_account(app, "province_admin", "admin"))
    token = csrf_token(admin, "/console/accountant/")
    assert admin.post(f"/console/accountant/depart/?id={person.id}", data={"csrf_token": token}).status_code == 403
    assert Departure.select().count() == 0 and Accountant.get_by_id(person.id).archive_state == "archived"
