"""Unit head filings: who may apply, the letter checked like any scan, confirmed or returned by the
unit's bureau; one head per unit, the replaced one goes back to being an accountant."""

import io

import pytest

from console.errors import RuleViolation
from console.filings import students, unit_head, workflow
from console.review import decisions
from models import Account, Attachment, AuditEntry, Filing, OutboxMessage
from tests.factories import on_duty_at, portal_account, unit_at
from tests.helpers import csrf_token, make_account, session_for
from tests.images import PDF


@pytest.fixture
def world(app):
    reviewer = make_account(app, "reviewer", "reviewer")
    with app.test_request_context():
        unit = unit_at(reviewer.authority)
        zhang, li = on_duty_at(unit, "张三", 401), on_duty_at(unit, "李四", 402)
        accounts = {"张三": portal_account(zhang), "李四": portal_account(li)}
    return {"reviewer": reviewer, "unit": unit, "accounts": accounts}


def apply(app, account, scans):
    return unit_head.apply_for_head(account, scans["scan"], app.extensions["profile"])


def test_a_confirmed_head_replaces_the_previous_one(app, ctx, world, scans):
    zhang, li = world["accounts"]["张三"], world["accounts"]["李四"]
    first = apply(app, zhang, scans)
    assert Attachment.get(Attachment.filing == first).slot == "head_letter"
    workflow.approve(first, world["reviewer"], app.extensions["profile"])
    assert (Account.get_by_id(zhang.id).role, Account.get_by_id(zhang.id).unit_id) == ("unit_head", world["unit"].id)
    second = apply(app, Account.get_by_id(li.id), scans)
    workflow.approve(second, world["reviewer"], app.extensions["profile"])
    heads = Account.select().where(Account.role == "unit_head", Account.unit == world["unit"])
    assert [a.id for a in heads] == [li.id]
    assert (Account.get_by_id(zhang.id).role, Account.get_by_id(zhang.id).unit_id) == ("accountant", None)
    assert Filing.get_by_id(first.id).ended_at is not None
    replaced = AuditEntry.select().where(AuditEntry.action == "unit_head.replace").order_by(AuditEntry.id.desc()).get()
    assert replaced.detail == '{"新负责人": "李四", "原负责人": ["张三"]}'
    assert OutboxMessage.select().where(OutboxMessage.body.contains("单位会计机构负责人备案已确认")).count() == 2


def test_who_may_apply_and_what_the_letter_must_be(app, ctx, world, scans):
    zhang = world["accounts"]["张三"]
    with pytest.raises(RuleViolation, match="JPEG"):
        unit_head.apply_for_head(zhang, PDF, app.extensions["profile"])
    apply(app, zhang, scans)
    with pytest.raises(RuleViolation, match="您的申请正在审核，请勿重复提交"):
        apply(app, zhang, scans)
    zhang.accountant.on_duty = False
    zhang.accountant.save()
    with pytest.raises(RuleViolation, match="只有信息已入库、在岗且有工作单位的会计人员"):
        apply(app, Account.get_by_id(zhang.id), scans)
    assert Filing.select().count() == 1


def test_a_return_needs_a_reason_and_another_bureau_cannot_decide(app, ctx, world, scans):
    filing = apply(app, world["accounts"]["张三"], scans)
    stranger = make_account(app, "reviewer", "stranger", authority=world["unit"].authority.parent)
    with pytest.raises(RuleViolation, match="该备案不属于本机构审核"):
        workflow.approve(filing, stranger, app.extensions["profile"])
    with pytest.raises(RuleViolation, match="请填写退回原因"):
        workflow.return_filing(filing, world["reviewer"], app.extensions["profile"], [])
    workflow.return_filing(
        filing, world["reviewer"], app.extensions["profile"], [decisions.Reason("general", "", "备案函未加盖公章")]
    )
    assert Filing.get_by_id(filing.id).status == "returned"
    with pytest.raises(RuleViolation, match="该备案已由.*处理：已退回"):
        workflow.approve(filing, world["reviewer"], app.extensions["profile"])


def test_the_portal_applies_and_shows_the_reason_of_a_return(app, world, scans):
    client = session_for(app, world["accounts"]["张三"])
    token = csrf_token(client, "/portal/head")
    empty = client.post("/portal/head", data={"csrf_token": token})
    assert "请上传备案函扫描件" in empty.get_data(as_text=True) and Filing.select().count() == 0
    sent = client.post(
        "/portal/head",
        data={"csrf_token": token, "letter": (io.BytesIO(scans["scan"]), "备案函.jpg")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "已提交，请等待会计管理部门确认" in sent.get_data(as_text=True)
    reviewer = session_for(app, world["reviewer"])
    filing = Filing.get()
    assert "张三" in reviewer.get("/console/filing/").get_data(as_text=True)
    token = csrf_token(reviewer, f"/console/filing/{filing.id}")
    refused = reviewer.post(f"/console/filing/{filing.id}/return", data={"csrf_token": token, "note": " "})
    assert refused.status_code == 422 and "请填写退回原因" in refused.get_data(as_text=True)
    reviewer.post(f"/console/filing/{filing.id}/return", data={"csrf_token": token, "note": "备案函未加盖公章"})
    page = client.get("/portal/head").get_data(as_text=True)
    assert "已退回" in page and "退回原因：备案函未加盖公章" in page


def test_a_student_files_again_only_from_the_year_after_graduation(app, ctx, world, scans):
    zhang = world["accounts"]["张三"]
    profile = app.extensions["profile"]
    with pytest.raises(RuleViolation, match="只有会计类专业"):
        students.apply_as_student(zhang, "计算机科学", 2028, scans["scan"], profile, 2026)
    with pytest.raises(RuleViolation, match="毕业年份应在 2026—2034 之间"):
        students.apply_as_student(zhang, "会计学", 2025, scans["scan"], profile, 2026)
    first = students.apply_as_student(zhang, "会计学", 2028, scans["scan"], profile, 2026)
    assert (first.kind, first.major, first.graduation_year, first.authority_id) == (
        "student",
        "会计学",
        2028,
        zhang.accountant.authority_id,
    )
    assert Attachment.get(Attachment.filing == first).slot == "student"
    with pytest.raises(RuleViolation, match="您已申报（2028 年毕业）；继续深造的，2029 年起可以再次申报"):
        students.apply_as_student(zhang, "审计学", 2029, scans["scan"], profile, 2027)
    workflow.approve(first, world["reviewer"], profile)
    with pytest.raises(RuleViolation, match="2029 年起可以再次申报"):
        students.apply_as_student(zhang, "审计学", 2031, scans["scan"], profile, 2028)  # not in the graduation year
    again = students.apply_as_student(zhang, "审计学", 2031, scans["scan"], profile, 2029)  # 毕业年度的第二年
    assert again.major == "审计学"


def test_a_returned_student_registration_may_be_filed_again(app, ctx, world, scans):
    zhang, profile = world["accounts"]["张三"], app.extensions["profile"]
    filed = students.apply_as_student(zhang, "财务管理", 2027, scans["scan"], profile, 2026)
    workflow.return_filing(filed, world["reviewer"], profile, [decisions.Reason("general", "", "学籍报告已过期")])
    assert students.apply_as_student(zhang, "财务管理", 2027, scans["scan"], profile, 2026).status == "submitted"


def test_someone_not_yet_in_the_archive_cannot_register_as_a_student(app, ctx, world, scans):
    zhang = world["accounts"]["张三"]
    zhang.accountant.archive_state = "pending"
    zhang.accountant.save()
    with pytest.raises(RuleViolation, match="信息采集审核通过、进入会计人员数据库后才能申报"):
        students.apply_as_student(
            Account.get_by_id(zhang.id), "会计学", 2028, scans["scan"], app.extensions["profile"], 2026
        )


def test_the_portal_form_keeps_what_was_typed_when_refused(app, world, scans):
    client = session_for(app, world["accounts"]["张三"])
    token = csrf_token(client, "/portal/student")
    refused = client.post("/portal/student", data={"csrf_token": token, "major": "审计学", "graduation_year": "明年"})
    page = refused.get_data(as_text=True)
    assert "请填写 4 位数字的预计毕业年份" in page and '<option selected value="审计学">' in page
    missing = client.post("/portal/student", data={"csrf_token": token, "major": "审计学", "graduation_year": "2028"})
    assert "请上传学籍在线验证报告" in missing.get_data(as_text=True) and 'value="2028"' in missing.get_data(
        as_text=True
    )
    sent = client.post(
        "/portal/student",
        content_type="multipart/form-data",
        follow_redirects=True,
        data={
            "csrf_token": token,
            "major": "审计学",
            "graduation_year": "2028",
            "report": (io.BytesIO(scans["scan"]), "学籍.jpg"),
        },
    )
    assert "已提交，请等待会计管理部门确认" in sent.get_data(as_text=True)
    assert Filing.get(Filing.kind == "student").graduation_year == 2028
