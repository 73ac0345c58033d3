"""The units console: a bureau's own units, the licence beside the record, merge without loss, close
only when nobody is on duty there; and the registry's 异动 restore."""

import pytest

from console.archive import registry
from console.collection import attachments
from console.errors import RuleViolation
from console.infra import clock, images
from console.org import units
from console.review import claims, decisions
from models import (
    Account,
    Accountant,
    Appraisal,
    Attachment,
    AuditEntry,
    Authority,
    Collection,
    Filing,
    PostSection,
    Unit,
    WorkPeriod,
)
from tests.factories import on_duty_at, submitted, unit_at
from tests.helpers import csrf_token, make_account, session_for


@pytest.fixture
def world(app, scans):
    reviewer = make_account(app, "reviewer", "reviewer")
    with app.test_request_context():
        kept, duplicate = unit_at(reviewer.authority, 1, "示范公司"), unit_at(reviewer.authority, 2, "示范公司（重复）")
        Unit.update(phone="0471-7654321").where(Unit.id == duplicate.id).execute()
        checked = images.check_image(scans["scan"], images.ImageRule.for_slot(app.extensions["profile"], "licence"))
        attachments.record(attachments.stored(checked), checked, "licence", None, unit=duplicate)
    return {"reviewer": reviewer, "kept": kept, "duplicate": Unit.get_by_id(duplicate.id)}


def test_a_merge_moves_every_row_and_loses_nothing(app, ctx, world):
    kept, duplicate, reviewer = world["kept"], world["duplicate"], world["reviewer"]
    person = on_duty_at(duplicate, "张三", 401)
    head = Account.create(username="h", password_hash="x", role="unit_head", unit=duplicate, created_at=clock.now())
    Appraisal.create(
        accountant=person, unit=duplicate, year=2025, grade="qualified", entered_by=head, entered_at=clock.now()
    )
    Filing.create(
        kind="unit_head",
        authority=duplicate.authority,
        unit=duplicate,
        id_number=person.id_number,
        name=person.name,
        submitted_at=clock.now(),
    )
    before = {m.__name__: m.select().count() for m in (Accountant, Appraisal, Attachment, Filing, WorkPeriod)}
    moved = units.merge(duplicate, kept, reviewer)
    assert moved == {"accountant": 1, "account": 1, "appraisal": 1, "filing": 1, "attachment": 1, "work_period": 1}
    assert {m.__name__: m.select().count() for m in (Accountant, Appraisal, Attachment, Filing, WorkPeriod)} == before
    for model in (Accountant, Account, Appraisal, Attachment, Filing, WorkPeriod, PostSection):
        assert not model.select().where(model.unit == duplicate).exists(), model.__name__
    merged = Unit.get_by_id(duplicate.id)
    assert (merged.state, merged.merged_into_id) == ("closed", kept.id)
    assert Unit.get_by_id(kept.id).phone == "0471-7654321"  # a blank of the kept record filled from the other
    assert AuditEntry.select().where(AuditEntry.action == "unit.merge").count() == 1
    with pytest.raises(RuleViolation, match="已被合并的单位不能再合并"):
        units.merge(merged, kept, reviewer)


def test_a_unit_closes_only_when_nobody_is_on_duty_there(app, ctx, world):
    kept = world["kept"]
    on_duty_at(kept, "张三", 401)
    with pytest.raises(RuleViolation, match="该单位仍有 1 名在岗会计人员"):
        units.close(kept, world["reviewer"])
    Accountant.update(on_duty=False).execute()
    units.close(kept, world["reviewer"])
    assert Unit.get_by_id(kept.id).state == "closed"


def test_the_console_shows_the_licence_and_merges_by_uscc(app, world):
    client = session_for(app, world["reviewer"])
    duplicate = world["duplicate"]
    details = client.get(f"/console/unit/details/?id={duplicate.id}").get_data(as_text=True)
    licence = Attachment.get(Attachment.unit == duplicate)
    assert f"/files/{licence.id}/thumbnail" in details and "营业执照或法人证书" in details
    assert client.get(f"/files/{licence.id}").status_code == 200
    token = csrf_token(client, f"/console/unit/merge/?id={duplicate.id}")
    wrong = client.post(f"/console/unit/merge/?id={duplicate.id}", data={"csrf_token": token, "target": "123"})
    assert "本机构管理的单位中没有该统一社会信用代码" in wrong.get_data(
        as_text=True
    ) and 'value="123"' in wrong.get_data(as_text=True)
    done = client.post(
        f"/console/unit/merge/?id={duplicate.id}",
        data={"csrf_token": token, "target": world["kept"].uscc.lower()},
        follow_redirects=True,
    )
    assert "已将“示范公司（重复）”合并到“示范公司”" in done.get_data(as_text=True)


def test_another_bureau_neither_lists_nor_opens_the_units_or_their_licence(app, world):
    stranger = make_account(app, "reviewer", "stranger", authority=Authority.get(Authority.code == "150203"))
    client = session_for(app, stranger)
    assert "示范公司" not in client.get("/console/unit/").get_data(as_text=True)
    assert "示范公司" not in client.get("/console/unit/?search=示范").get_data(as_text=True)
    assert client.get(f"/console/unit/details/?id={world['kept'].id}").status_code == 302  # 记录不存在
    licence = Attachment.get(Attachment.unit == world["duplicate"])
    assert client.get(f"/files/{licence.id}").status_code == 404


def test_someone_in_abnormal_is_restored_with_a_reason_and_may_sign_in_again(app, ctx, world):
    person = on_duty_at(world["kept"], "张三", 401)
    Accountant.update(archive_state="abnormal").where(Accountant.id == person.id).execute()
    with pytest.raises(RuleViolation, match="请填写恢复原因"):
        registry.restore(person, " ", world["reviewer"])
    registry.restore(person, "已补修 2023 年度学分", world["reviewer"])
    assert Accountant.get_by_id(person.id).archive_state == "archived"
    entry = AuditEntry.get(AuditEntry.action == "accountant.restore")
    assert "已补修 2023 年度学分" in entry.detail
    with pytest.raises(RuleViolation, match="该人员不在异动库中"):
        registry.restore(person, "再来一次", world["reviewer"])


def test_the_registry_finds_people_by_id_tail_and_masks_them(app, world):
    with app.test_request_context():
        person = on_duty_at(world["kept"], "张三", 401)
    client = session_for(app, world["reviewer"])
    page = client.get(f"/console/accountant/?search={person.id_number[-4:]}").get_data(as_text=True)
    assert "张三" in page and person.id_number not in page and person.phone not in page
    assert "张三" not in client.get("/console/accountant/?search=李").get_data(as_text=True)
    details = client.get(f"/console/accountant/details/?id={person.id}").get_data(as_text=True)
    assert "会计工作年限" in details and "示范公司" in details
    assert AuditEntry.select().where(AuditEntry.action == "accountant.read").count() == 1


def test_a_unit_put_under_a_special_authority_takes_its_waiting_collections_there(app, ctx, scans):
    profile = app.extensions["profile"]
    kunqu = Authority.get(Authority.code == "150203")
    first = submitted(app, scans)
    decisions.approve(
        claims.claim(first, reviewer := make_account(app, "reviewer", "li", authority=kunqu)), reviewer, profile
    )
    waiting = submitted(app, scans, name="王影乙", serial=125, phone="13912345679")
    claims.claim(waiting, reviewer)
    unit = Unit.get_by_id(waiting.postsection_set.get().unit_id)
    direct = Authority.get(Authority.name == "自治区直属")

    county = make_account(app, "reviewer", "county", authority=kunqu)
    assert units.assignable(county, unit) == []
    with pytest.raises(RuleViolation, match="请选择可以管理该单位的会计管理机构"):
        units.assign(unit, direct.id, county)
    city = make_account(app, "reviewer", "city", authority=Authority.get(Authority.code == "1502"))
    assert [a.name for a in units.assignable(city, unit)] == ["昆都仑区财政局", "包头市财政局"]
    admin = make_account(app, "province_admin", "admin")
    assert direct in units.assignable(admin, unit)

    assert units.assign(unit, direct.id, admin) == 1
    moved, kept = Collection.get_by_id(waiting.id), Collection.get_by_id(first.id)
    assert (moved.authority_id, moved.claimed_by_id) == (direct.id, None)  # the claim at the county is released
    assert kept.authority_id == kunqu.id  # decided where it was decided
    entry = AuditEntry.get(AuditEntry.action == "unit.assign")
    assert "自治区直属" in entry.detail and entry.actor_id == admin.id
    later = submitted(app, scans, name="王影丙", serial=126, phone="13912345670")
    assert later.authority_id == direct.id  # 002 §七.2: routed to the special authority from now on

    units.assign(Unit.get_by_id(unit.id), kunqu.id, admin)  # and back under its region's bureau
    assert (Unit.get_by_id(unit.id).assigned, Collection.get_by_id(later.id).authority_id) == (False, kunqu.id)


def test_the_console_assigns_a_unit_and_refuses_a_county(app, scans):
    with app.test_request_context():
        unit = Unit.get_by_id(submitted(app, scans).postsection_set.get().unit_id)
        direct = Authority.get(Authority.name == "自治区直属")
    admin = session_for(app, make_account(app, "province_admin", "admin"))
    page = admin.get(f"/console/unit/details/?id={unit.id}").get_data(as_text=True)
    assert "昆都仑区财政局（所在地区）" in page and "大兴安岭林管局" in page
    token = csrf_token(admin, f"/console/unit/details/?id={unit.id}")
    done = admin.post(
        f"/console/unit/assign/?id={unit.id}", data={"csrf_token": token, "authority": direct.id}, follow_redirects=True
    )
    assert "已改由自治区直属管理，转移待审核 1 件" in done.get_data(as_text=True)
    assert Unit.get_by_id(unit.id).authority_id == direct.id
    again = admin.post(
        f"/console/unit/assign/?id={unit.id}", data={"csrf_token": token, "authority": "x"}, follow_redirects=True
    )
    assert "请选择可以管理该单位的会计管理机构" in again.get_data(as_text=True)  # bad input: a message, no 500

    county = session_for(
        app, make_account(app, "reviewer", "county", authority=Authority.get(Authority.code == "150203"))
    )
    assert 'id="assign"' not in county.get(f"/console/unit/details/?id={unit.id}").get_data(as_text=True)
    refused = county.post(
        f"/console/unit/assign/?id={unit.id}",
        data={"csrf_token": csrf_token(county, "/console/"), "authority": unit.authority_id},
        follow_redirects=True,
    )
    assert "单位不存在或不能调整其会计管理机构" in refused.get_data(as_text=True)
