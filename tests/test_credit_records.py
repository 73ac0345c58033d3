"""会计信用信息 entered each way 002 §十二(五) allows: the accountant declares their own with a proof (recorded at
once), the bureau records directly (at once, the person told), and a unit's report waits for the bureau, whose
decision the person is told of."""

import io
from datetime import date, timedelta

import pytest

from console.archive import credit_records
from console.errors import RuleViolation
from console.infra import clock
from models import Account, Accountant, Attachment, AuditEntry, Authority, CreditRecord, OutboxMessage
from tests.factories import on_duty_at, portal_account, unit_at
from tests.helpers import csrf_token, make_account, session_for

DAY = date(2025, 5, 1)


@pytest.fixture
def world(app):
    """Someone in the archive at a unit of 赛罕区 with a portal account, its head, its reviewer, a reviewer of the
    city above and one of another county; and a second person of the same unit."""
    saihan = Authority.get(Authority.code == "150105")
    reviewer = make_account(app, "reviewer", "saihan", authority=saihan)
    with app.test_request_context():
        unit = unit_at(saihan)
        person, colleague = on_duty_at(unit, "张守信", 601), on_duty_at(unit, "李同事", 602)
        account = portal_account(person)
    return {
        "person": person,
        "colleague": colleague,
        "account": account,
        "head": make_account(app, "unit_head", "head", unit=unit),
        "reviewer": reviewer,
        "city": make_account(app, "reviewer", "huhehaote", authority=saihan.parent),
        "stranger": make_account(app, "reviewer", "kunqu", authority=Authority.get(Authority.code == "150203")),
    }


def sms_to(phone):
    return [m.body for m in OutboxMessage.select().where(OutboxMessage.recipient == phone).order_by(OutboxMessage.id)]


def declaration(token, scan=None, **fields):
    data = {"csrf_token": token, "kind": "trust", "occurred_on": DAY.isoformat(), "description": "获评先进会计工作者"}
    if scan is not None:
        data["proof"] = (io.BytesIO(scan), "证书.jpg")
    return {**data, **fields}


def test_the_accountant_declares_their_own_record_with_its_proof_in_force_at_once(app, world, scans):
    client = session_for(app, world["account"])
    token = csrf_token(client, "/portal/credit/")
    done = client.post(
        "/portal/credit/",
        data=declaration(token, scans["scan"]),
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = done.get_data(as_text=True)
    assert "已申报，信用信息已记入您的会计人员档案" in page and "获评先进会计工作者" in page and "本人申报" in page
    record = CreditRecord.get()
    assert (record.accountant_id, record.kind, record.source, record.status) == (
        world["person"].id,
        "trust",
        "accountant",
        "confirmed",
    )
    assert record.confirmed_at is not None and record.confirmed_by_id is None  # recorded, confirmed by nobody
    proof = Attachment.get_by_id(record.proof_id)
    assert (proof.slot, proof.accountant_id, proof.uploaded_by_id) == (
        "award_proof",
        world["person"].id,
        world["account"].id,
    )
    entry = AuditEntry.get(AuditEntry.action == "credit_record.declare")
    assert entry.actor_id == world["account"].id and entry.target_id == str(record.id)
    assert sms_to(world["person"].phone) == []  # they did it themselves
    reviewer = session_for(app, world["reviewer"])
    assert reviewer.get(f"/files/{proof.id}").status_code == 200
    assert "张守信" in reviewer.get("/console/credit_record/").get_data(as_text=True)
    assert session_for(app, world["stranger"]).get(f"/files/{proof.id}").status_code == 404
    assert client.get(f"/files/{proof.id}").status_code == 200  # the person's own archive


@pytest.mark.parametrize(
    "fields, scan, message",
    [
        ({"kind": ""}, "scan", "请选择守信或失信"),
        ({"kind": "praise"}, "scan", "请选择守信或失信"),
        ({"occurred_on": ""}, "scan", "请填写发生日期，且不能晚于今天"),
        ({"occurred_on": "2025-02-30"}, "scan", "请填写发生日期，且不能晚于今天"),
        ({"occurred_on": "tomorrow"}, "scan", "请填写发生日期，且不能晚于今天"),
        ({"description": " "}, "scan", "请填写事由，不超过 500 字"),
        ({}, None, "请上传证明材料扫描件"),
        ({}, "junk", "文件"),
    ],
)
def test_a_bad_declaration_says_what_is_wrong_and_keeps_what_was_typed(app, world, scans, fields, scan, message):
    if fields.get("occurred_on") == "tomorrow":
        fields["occurred_on"] = (clock.today() + timedelta(days=1)).isoformat()
    client = session_for(app, world["account"])
    token = csrf_token(client, "/portal/credit/")
    data = declaration(token, {"scan": scans["scan"], "junk": b"not an image", None: None}[scan], **fields)
    refused = client.post("/portal/credit/", data=data, content_type="multipart/form-data")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and message in page
    if "description" not in fields:
        assert "获评先进会计工作者" in page
    assert CreditRecord.select().count() == 0 and Attachment.select().count() == 0
    assert not AuditEntry.select().where(AuditEntry.action == "credit_record.declare").exists()


def test_only_someone_in_the_archive_declares(app, world, scans):
    Accountant.update(archive_state="pending").where(Accountant.id == world["person"].id).execute()
    client = session_for(app, world["account"])
    token = csrf_token(client, "/portal/")
    page = client.get("/portal/credit/").get_data(as_text=True)
    assert "进入会计人员数据库后才能申报信用信息" in page and 'name="proof"' not in page
    refused = client.post("/portal/credit/", data=declaration(token, scans["scan"]), content_type="multipart/form-data")
    assert refused.status_code == 422 and "进入会计人员数据库后才能申报信用信息" in refused.get_data(as_text=True)
    assert CreditRecord.select().count() == 0


def test_the_portal_shows_the_persons_own_records_only(app, world):
    with app.test_request_context():
        credit_records.report(world["colleague"], "breach", DAY, "同事的失信", world["head"], clock.today())
        credit_records.report(world["person"], "trust", DAY, "本人的守信", world["head"], clock.today())
    page = session_for(app, world["account"]).get("/portal/credit/").get_data(as_text=True)
    assert "本人的守信" in page and "单位申报" in page and "待确认" in page and "同事的失信" not in page
    assert session_for(app, world["reviewer"]).get("/portal/credit/").status_code == 403


def bureau_post(client, person_id, **fields):
    page = "/console/accountant/"  # a bureau outside the person's tree reads no page of theirs
    data = {"kind": "breach", "occurred_on": DAY.isoformat(), "description": "提供虚假财务报告", **fields}
    return client.post(
        f"/console/accountant/credit/?id={person_id}", data={"csrf_token": csrf_token(client, page), **data}
    )


def test_the_bureau_records_directly_in_force_at_once_and_the_person_is_told(app, world):
    client = session_for(app, world["reviewer"])
    done = bureau_post(client, world["person"].id)
    assert done.status_code == 302
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "已记载信用信息" in page and "提供虚假财务报告" in page and "会计管理机构记载" in page
    record = CreditRecord.get()
    assert (record.source, record.status, record.confirmed_by_id) == ("bureau", "confirmed", world["reviewer"].id)
    assert AuditEntry.get(AuditEntry.action == "credit_record.record").target_id == str(record.id)
    assert sms_to(world["person"].phone) == ["【内蒙古会计网】会计管理机构已记载您的失信信息，请登录系统查看。"]


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"kind": ""}, "请选择守信或失信"),
        ({"occurred_on": "20250501"}, "请填写发生日期，且不能晚于今天"),
        ({"description": ""}, "请填写事由，不超过 500 字"),
    ],
)
def test_a_bad_bureau_record_is_refused_at_its_field(app, world, fields, message):
    refused = bureau_post(session_for(app, world["reviewer"]), world["person"].id, **fields)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and message in page and "is-invalid" in page
    if "description" not in fields:
        assert "提供虚假财务报告" in page
    assert CreditRecord.select().count() == 0 and OutboxMessage.select().count() == 0


def test_only_the_managing_bureau_records_directly(app, world):
    assert bureau_post(session_for(app, world["stranger"]), world["person"].id).status_code == 404
    assert bureau_post(session_for(app, world["city"]), world["person"].id).status_code == 403
    Accountant.update(archive_state="departed").where(Accountant.id == world["person"].id).execute()
    with app.test_request_context(), pytest.raises(RuleViolation, match="只能为在库或异动库中的人员记载信用信息"):
        credit_records.record_directly(
            Accountant.get_by_id(world["person"].id),
            "trust",
            DAY,
            "表彰",
            world["reviewer"],
            app.extensions["profile"],
            clock.today(),
        )
    assert CreditRecord.select().count() == 0


@pytest.mark.parametrize("decision, told", [("confirm", "已经会计管理机构确认"), ("reject", "未经会计管理机构确认")])
def test_the_person_is_told_of_the_bureaus_decision_on_a_units_report(app, world, decision, told):
    with app.test_request_context():
        record = credit_records.report(world["person"], "trust", DAY, "连续五年无差错", world["head"], clock.today())
    client = session_for(app, world["reviewer"])
    token = csrf_token(client, "/console/credit_record/")
    client.post(f"/console/credit_record/{record.id}/decide", data={"csrf_token": token, "decision": decision})
    assert CreditRecord.get_by_id(record.id).status == ("confirmed" if decision == "confirm" else "rejected")
    assert sms_to(world["person"].phone) == [f"【内蒙古会计网】您单位报送的您的守信信息{told}。"]


def test_a_decision_outside_the_bureau_tells_nobody(app, world):
    with app.test_request_context():
        record = credit_records.report(world["person"], "trust", DAY, "连续五年无差错", world["head"], clock.today())
        with pytest.raises(RuleViolation, match="该信用信息不属于本机构确认"):
            credit_records.decide(record, world["stranger"], True, app.extensions["profile"])
    assert CreditRecord.get_by_id(record.id).status == "pending" and OutboxMessage.select().count() == 0
    assert Account.get_by_id(world["head"].id).role == "unit_head"
