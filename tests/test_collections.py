"""The accountant's side of the state machine: draft, what is missing, submit once, withdraw, submit again."""

import json
from datetime import date

import pytest

from console.collection import lifecycle
from console.errors import RuleViolation
from console.infra import clock
from models import (
    Account,
    Attachment,
    AuditEntry,
    Authority,
    Collection,
    PostSection,
    ReviewEvent,
)
from tests.factories import complete
from tests.helpers import make_accountant, resident_id


@pytest.fixture
def person(ctx):
    accountant = make_accountant(
        name="王影",
        id_number=resident_id("150105", "19900307", 124),
        phone="13912345678",
        authority=Authority.get(Authority.code == "150105"),
    )
    account = Account.create(
        username=None, password_hash="x", role="accountant", accountant=accountant, created_at=clock.now()
    )
    return account


def test_a_new_draft_starts_from_the_registration(person):
    draft = lifecycle.open_draft(person.accountant)
    personal = draft.personalsection_set.get()
    assert (personal.name, personal.id_number, personal.phone, personal.gender) == (
        "王影",
        person.accountant.id_number,
        "13912345678",
        "female",
    )
    assert lifecycle.open_draft(person.accountant).id == draft.id


def test_the_unit_must_be_found_or_added(app, person, scans):
    draft = lifecycle.open_draft(person.accountant)
    complete(app, draft, scans)
    PostSection.update(unit=None).execute()
    assert ("post", "unit_uscc", "请点击“获取单位信息”；系统中没有的单位，请按提示添加") in lifecycle.missing(
        draft, app.extensions["profile"]
    )


def test_a_fresh_draft_says_what_is_missing(app, person):
    gaps = lifecycle.missing(lifecycle.open_draft(person.accountant), app.extensions["profile"])
    fields = {(section, field) for section, field, _ in gaps}
    assert {
        ("personal", "ethnicity"),
        ("post", "has_unit"),
        ("education", "full_time_level"),
        ("qualification", "level"),
        ("attachments", "photo"),
        ("commitment", "commitment"),
    } <= fields
    assert ("attachments", "photo", "请上传1 寸免冠白底证件照") in gaps


def test_submit_routes_by_the_unit_and_happens_once(app, person, scans):
    draft = lifecycle.open_draft(person.accountant)
    complete(app, draft, scans)
    assert lifecycle.missing(draft, app.extensions["profile"]) == []

    submitted = lifecycle.submit(draft, person, app.extensions["profile"])
    assert submitted.status == "submitted" and submitted.revision == 1
    assert submitted.authority.name == "昆都仑区财政局"  # the unit's region, not the ID's
    with pytest.raises(RuleViolation, match="该信息采集已提交，请勿重复提交"):
        lifecycle.submit(draft, person, app.extensions["profile"])  # the second click, or the second tab
    assert ReviewEvent.select().where(ReviewEvent.kind == "submit").count() == 1
    assert AuditEntry.select().where(AuditEntry.action == "collection.submit").count() == 1
    with pytest.raises(RuleViolation, match="正在等待审核；如需修改，请先撤回"):
        lifecycle.open_draft(person.accountant)


def test_on_duty_without_a_letter_is_submitted_as_not_on_duty(app, person, scans):
    draft = lifecycle.open_draft(person.accountant)
    complete(app, draft, scans)
    Attachment.delete().where(Attachment.slot == "letter").execute()
    assert lifecycle.missing(draft, app.extensions["profile"]) == []  # 002 §四.13: no block, ...

    submitted = lifecycle.submit(draft, person, app.extensions["profile"])
    assert PostSection.get(PostSection.collection == submitted).on_duty is False  # ... treated as not on duty
    assert json.loads(submitted.submissions.get().answers)["post"]["on_duty"] == "否"
    assert submitted.authority.name == "昆都仑区财政局"


def test_an_incomplete_collection_is_not_submitted(app, person):
    draft = lifecycle.open_draft(person.accountant)
    with pytest.raises(RuleViolation, match=r"还有 \d+ 项未完成"):
        lifecycle.submit(draft, person, app.extensions["profile"])
    assert Collection.get_by_id(draft.id).status == "draft"


def test_a_unit_outside_the_province_cannot_be_submitted(app, person, scans):
    draft = lifecycle.open_draft(person.accountant)
    complete(app, draft, scans, unit_region="110105")
    assert (
        "post",
        "unit_uscc",
        "单位所在地不在本省（区）范围内，请在单位所在地参加会计人员信息采集",
    ) in lifecycle.missing(draft, app.extensions["profile"])


def test_withdraw_then_submit_again(app, person, scans):
    draft = lifecycle.open_draft(person.accountant)
    complete(app, draft, scans)
    lifecycle.submit(draft, person, app.extensions["profile"])
    withdrawn = lifecycle.withdraw(draft, person)
    assert withdrawn.status == "withdrawn"
    with pytest.raises(RuleViolation, match="只能撤回待审核的信息采集"):
        lifecycle.withdraw(draft, person)
    assert lifecycle.open_draft(person.accountant).id == draft.id
    again = lifecycle.submit(draft, person, app.extensions["profile"])
    assert again.status == "submitted" and again.revision == 2
    assert [e.kind for e in ReviewEvent.select().order_by(ReviewEvent.id)] == ["submit", "withdraw", "submit"]


def test_the_declared_work_start_cannot_change(app, person, scans):
    person.accountant.work_started_on = date(2010, 1, 1)
    person.accountant.save()
    draft = lifecycle.open_draft(person.accountant)
    complete(app, draft, scans)
    gaps = lifecycle.missing(draft, app.extensions["profile"])
    assert [m for s, f, m in gaps if f == "work_started_on"] == [
        "开始从事会计工作时间只能申报一次，申报后不能修改（已申报 2010-01-01）"
    ]
