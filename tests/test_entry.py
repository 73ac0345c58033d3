"""入库备案: newcomers in Inner Mongolia file before they collect; an appointment's letter is read for its
QR code and returned at once with the exact difference; the bureau confirms; then collection opens."""

import io
from datetime import date

import pytest

from console.collection import letters
from console.errors import RuleViolation
from console.filings import entry, workflow
from console.infra.dictionaries import load_dictionaries
from console.profiles import current_profile
from models import Attachment, Filing, LegacyRecord, ReturnReason
from tests.factories import portal_account, unit_at, unit_code
from tests.helpers import csrf_token, make_account, make_accountant, resident_id, session_for
from tests.images import letter_scan
from tests.test_documents import pdf_text, qr_of

TODAY = date(2026, 11, 22)


@pytest.fixture
def world(app):
    reviewer = make_account(app, "reviewer", "reviewer")
    with app.test_request_context():
        load_dictionaries()
        unit = unit_at(reviewer.authority)
        person = make_accountant(
            name="新人",
            id_number=resident_id("150105", "19990101", 501),
            phone="13600000501",
            authority=reviewer.authority,
        )
        account = portal_account(person)
    return {"reviewer": reviewer, "unit": unit, "account": account}


def test_collection_waits_for_a_confirmed_entry_filing(app, ctx, world, scans):
    profile, account = app.extensions["profile"], world["account"]
    with pytest.raises(RuleViolation, match="请先办理入库备案"):
        entry.check_may_collect(account.accountant, profile)
    filed = entry.file_qualification(account, "初级", "2026150100001", date(2026, 6, 1), scans["scan"], profile, TODAY)
    assert (filed.kind, filed.status, filed.qualification_level) == ("qualification", "submitted", "初级")
    with pytest.raises(RuleViolation, match="请先办理入库备案"):
        entry.check_may_collect(account.accountant, profile)  # filed is not yet confirmed
    with pytest.raises(RuleViolation, match="您已办理取得会计专业技术资格入库备案（待审核），请勿重复办理"):
        entry.file_qualification(account, "初级", "2026150100001", date(2026, 6, 1), scans["scan"], profile, TODAY)
    workflow.approve(filed, world["reviewer"], profile)
    entry.check_may_collect(account.accountant, profile)  # now it may start


def test_someone_in_the_old_database_or_the_archive_need_not_file(app, ctx, world, scans):
    profile, person = app.extensions["profile"], world["account"].accountant
    LegacyRecord.create(id_number=person.id_number, name=person.name, imported_at=TODAY)
    entry.check_may_collect(person, profile)
    with pytest.raises(RuleViolation, match="您已在会计人员数据库中，不需要再次入库备案"):
        entry.file_qualification(world["account"], "初级", "x", TODAY, scans["scan"], profile, TODAY)
    jilin = profile.__class__(**{**profile.__dict__, "entry_filing": False})
    LegacyRecord.delete().execute()
    entry.check_may_collect(person, jilin)  # a province without entry filing lets everyone collect


@pytest.mark.parametrize(
    "level, number, day, message",
    [
        ("无", "1", TODAY, "请选择取得的专业技术资格级别"),
        ("初级", " ", TODAY, "请填写证书编号"),
        ("初级", "1", None, "请填写取得时间，且不能晚于今天"),
        ("初级", "1", date(2026, 11, 23), "请填写取得时间，且不能晚于今天"),
    ],
)
def test_a_qualification_filing_says_what_is_missing(app, ctx, world, scans, level, number, day, message):
    with pytest.raises(RuleViolation, match=message):
        entry.file_qualification(world["account"], level, number, day, scans["scan"], app.extensions["profile"], TODAY)
    assert Filing.select().count() == 0


def test_a_mismatched_letter_is_returned_with_the_difference_and_the_right_one_goes_to_the_bureau(app, ctx, world):
    account, profile = world["account"], app.extensions["profile"]
    filing = entry.start_appointment(
        account, world["unit"].uscc.lower(), "出纳", date(2025, 3, 1), TODAY, current_profile
    )
    facts, code = letters.for_filing(filing)
    assert filing.status == "draft" and Filing.get_by_id(filing.id).verification_code == code
    forged = {**facts, "证件号码": resident_id("150105", "19990101", 502)}
    difference = entry.upload_letter(filing, account, letter_scan(letters._payload(code, forged)), profile)
    assert difference == "证明函证件号码与填写的证件号码不一致"
    returned = Filing.get_by_id(filing.id)
    assert returned.status == "returned" and ReturnReason.get().text == difference
    assert (
        entry.upload_letter(returned, account, letter_scan(letters._payload("AAAA-BBBB-CCCC", facts)), profile)
        == "证明函验证码与本次备案不符，请重新打印证明函"
    )
    assert entry.upload_letter(returned, account, letter_scan("no letter at all"), profile).startswith(
        "未能识别证明函上的二维码"
    )
    assert (
        entry.upload_letter(Filing.get_by_id(filing.id), account, letter_scan(letters._payload(code, facts)), profile)
        is None
    )
    sent = Filing.get_by_id(filing.id)
    assert sent.status == "submitted" and Attachment.select().where(Attachment.filing == sent).count() == 4
    with pytest.raises(RuleViolation, match="该备案当前不能上传证明函"):
        entry.upload_letter(sent, account, letter_scan(letters._payload(code, facts)), profile)
    workflow.approve(sent, world["reviewer"], profile)
    entry.check_may_collect(account.accountant, profile)


def test_an_appointment_needs_a_known_unit_a_post_and_a_past_date(app, ctx, world):
    account = world["account"]
    with pytest.raises(RuleViolation, match="该单位尚未在系统中登记"):
        entry.start_appointment(account, unit_code("150105", 99), "出纳", TODAY, TODAY, current_profile)
    with pytest.raises(RuleViolation, match="请选择会计工作岗位"):
        entry.start_appointment(account, world["unit"].uscc, "", TODAY, TODAY, current_profile)
    with pytest.raises(RuleViolation, match="请填写开始从事会计工作时间"):
        entry.start_appointment(account, world["unit"].uscc, "出纳", date(2026, 12, 1), TODAY, current_profile)
    assert Filing.select().count() == 0


def test_the_portal_walks_an_appointment_from_letter_to_bureau(app, world):
    client = session_for(app, world["account"])
    assert "请先办理入库备案" in client.get("/portal/collection/", follow_redirects=True).get_data(as_text=True)
    token = csrf_token(client, "/portal/entry/")
    refused = client.post(
        "/portal/entry/appointment",
        data={"csrf_token": token, "unit_uscc": world["unit"].uscc, "post": "出纳", "work_started_on": "明天"},
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "请填写开始从事会计工作时间" in page and world["unit"].uscc in page
    client.post(
        "/portal/entry/appointment",
        data={"csrf_token": token, "unit_uscc": world["unit"].uscc, "post": "出纳", "work_started_on": "2025-03-01"},
    )
    filing = Filing.get()
    printed = client.get(f"/portal/entry/{filing.id}/letter")
    with app.app_context():
        facts, code = letters.for_filing(filing)
    assert printed.mimetype == "application/pdf" and printed.headers["Cache-Control"] == "private, no-store"
    assert f"证明函验证码：{code}" in pdf_text(printed.data) and "新人" in pdf_text(printed.data)
    assert qr_of(printed.data) == [letters._payload(code, facts)]
    sent = client.post(
        f"/portal/entry/{filing.id}/letter",
        content_type="multipart/form-data",
        follow_redirects=True,
        data={"csrf_token": token, "scan": (io.BytesIO(letter_scan(letters._payload(code, facts))), "证明函.jpg")},
    )
    assert "证明函已上传，请等待会计管理部门确认" in sent.get_data(as_text=True)
    reviewer = session_for(app, world["reviewer"])
    details = reviewer.get(f"/console/filing/{filing.id}").get_data(as_text=True)
    assert "单位聘任会计人员入库备案" in details and "出纳" in details
    other = make_account(app, "accountant", "other")
    assert session_for(app, other).get(f"/portal/entry/{filing.id}/letter").status_code == 404
