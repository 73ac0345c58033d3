"""The review console as reviewers use it: the queue, the review page, decisions, export, bulk, the dashboard."""

import io
import json
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from console.infra.dictionaries import load_reason_templates
from console.org import authorities
from console.review import claims, decisions
from models import (
    Account,
    AuditEntry,
    Authority,
    Collection,
    CreditRecord,
    Filing,
    OutboxMessage,
    ReasonTemplate,
    ReturnReason,
    SavedFilter,
    Unit,
    UnitChange,
    db,
)
from tests.factories import on_duty_at, submitted, unit_at
from tests.helpers import csrf_token, make_account, post_form, session_for


@pytest.fixture
def waiting(app, scans):
    with app.test_request_context(), db.connection_context():
        return submitted(app, scans)


def reviewer_at(app, code, username):
    with app.app_context():
        authority = Authority.get(Authority.code == code)
    return make_account(app, "reviewer", username, authority=authority, display_name=username)


@pytest.fixture
def li(app):
    return session_for(app, reviewer_at(app, "150203", "李审核"))


def test_the_queue_lists_masked_ids_and_working_days(app, li, waiting):
    page = li.get("/console/review/").get_data(as_text=True)
    assert "王影" in page and "150105********" + waiting.accountant.id_number[-4:] in page
    assert waiting.accountant.id_number not in page and "13912345678" not in page
    assert "待审核 1 件" in page


def test_another_authority_is_refused_by_filter_id_export_and_file(app, waiting):
    other = session_for(app, reviewer_at(app, "150102", "赵审核"))
    with app.app_context():
        mine = Authority.get(Authority.code == "150203").id
        scan = waiting.attachments.first().id
    assert other.get(f"/console/review/?authority={mine}").status_code == 403
    assert other.get(f"/console/review/export.csv?authority={mine}").status_code == 403
    assert other.get(f"/console/review/{waiting.id}").status_code == 404
    assert other.get(f"/files/{scan}").status_code == 404
    assert "没有符合条件的信息采集" in other.get("/console/review/?q=王影").get_data(as_text=True)
    assert "王影" not in other.get("/console/review/export.csv?q=王影").get_data(as_text=True)


def test_opening_claims_nothing_a_post_claims_and_others_see_who_holds_it(app, li, waiting):
    page = li.get(f"/console/review/{waiting.id}").get_data(as_text=True)
    assert (
        "尚未领取：审核通过或退回时自动领取" in page and 'id="approve"' in page and waiting.accountant.id_number in page
    )
    assert Collection.get_by_id(waiting.id).claimed_by_id is None  # a link or a prefetch takes no claim
    assert post_form(li, f"/console/review/{waiting.id}/claim", {}, f"/console/review/{waiting.id}").status_code == 302
    assert "您已领取" in li.get(f"/console/review/{waiting.id}").get_data(as_text=True)
    zhao = session_for(app, reviewer_at(app, "150203", "赵审核"))
    page = zhao.get(f"/console/review/{waiting.id}").get_data(as_text=True)
    assert "李审核 正在审核" in page and 'id="approve"' not in page
    assert li.get("/console/review/").get_data(as_text=True).count("李审核") >= 1
    with app.app_context():
        assert AuditEntry.select().where(AuditEntry.action == "collection.read").count() == 4  # each opening


def test_a_decision_on_a_collection_not_yet_claimed_claims_it_as_it_is_made(app, li, waiting):
    li.get(f"/console/review/{waiting.id}")
    response = post_form(li, f"/console/review/{waiting.id}/approve", {}, f"/console/review/{waiting.id}")
    assert response.status_code == 302 and Collection.get_by_id(waiting.id).status == "approved"


def test_a_decision_moving_on_claims_the_next_unless_another_holds_it(app, li, scans):
    with app.test_request_context(), db.connection_context():
        first = submitted(app, scans)
        second = submitted(app, scans, name="王影乙", serial=125, phone="13912345679")
    approved = post_form(li, f"/console/review/{first.id}/approve", {}, f"/console/review/{first.id}")
    assert approved.headers["Location"] == f"/console/review/{second.id}"
    assert Collection.get_by_id(second.id).claimed_by.display_name == "李审核"


def test_the_city_reads_its_countys_collection_but_cannot_claim(app, waiting):
    city = session_for(app, reviewer_at(app, "1502", "包头审核"))
    page = city.get(f"/console/review/{waiting.id}").get_data(as_text=True)
    assert "只能查看" in page and 'id="approve"' not in page
    for action in ("claim", "approve", "return", "release"):
        assert post_form(city, f"/console/review/{waiting.id}/{action}", {}, "/console/review/").status_code == 403


def test_approve_with_one_post(app, li, waiting):
    li.get(f"/console/review/{waiting.id}")
    response = post_form(li, f"/console/review/{waiting.id}/approve", {}, f"/console/review/{waiting.id}")
    assert response.status_code == 302
    with app.app_context():
        assert Collection.get_by_id(waiting.id).status == "approved"
        assert "审核通过" in OutboxMessage.get().body


def test_a_return_without_reasons_or_with_too_long_a_note_keeps_the_input_and_writes_nothing(app, li, waiting):
    url = f"/console/review/{waiting.id}"
    li.get(url)
    response = post_form(li, url + "/return", {"note": "  "}, url)
    assert response.status_code == 422 and "请至少选择或填写一条退回原因" in response.get_data(as_text=True)
    with app.app_context():
        template = ReasonTemplate.create(section="education", target="full_time_school", text="毕业院校与证书不一致")
    response = post_form(
        li, url + "/return", {"templates": str(template.id), "note": "长" * 501, "note_section": "attachments"}, url
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "补充说明不能超过 500 字" in page
    assert "长" * 501 in page and re.search(rf'value="{template.id}"[^>]*checked', page)
    with app.app_context():
        assert Collection.get_by_id(waiting.id).status == "submitted" and ReturnReason.select().count() == 0


def test_a_return_shows_each_reason_at_its_field_in_the_portal(app, li, waiting):
    url = f"/console/review/{waiting.id}"
    li.get(url)
    with app.app_context():
        template = ReasonTemplate.create(section="education", target="full_time_school", text="毕业院校与证书不一致")
        diploma = ReasonTemplate.create(section="attachments", target="diploma", text="学历证书不清晰")
    response = post_form(
        li,
        url + "/return",
        {"templates": [str(template.id), str(diploma.id)], "note": "请本人签字", "note_section": "general"},
        url,
    )
    assert response.status_code == 302
    with app.app_context():
        applicant = Account.get(Account.accountant == waiting.accountant_id)
    portal = session_for(app, applicant)
    education = portal.get("/portal/collection/education").get_data(as_text=True)
    assert re.search(r'id="full_time_school".*?退回原因：毕业院校与证书不一致', education, re.S)
    assert "学历证书不清晰" not in education
    assert "退回原因：学历证书不清晰" in portal.get("/portal/collection/attachments").get_data(as_text=True)
    assert "请本人签字" in portal.get("/portal/").get_data(as_text=True)


def test_fields_and_scans_marked_on_the_page_return_with_their_reasons_at_them(app, li, waiting):
    url = f"/console/review/{waiting.id}"
    with app.app_context():
        load_reason_templates()
    page = li.get(url).get_data(as_text=True)
    assert 'data-mark="education|full_time_school"' in page and 'data-act="mark"' in page
    offered = json.loads(re.search(r'id="reason-templates">(.*?)</script>', page, re.S).group(1))
    assert offered and not [t for t in offered if t["target"] == "work_proof"]  # 内蒙古 asks for the 证明函 instead

    def return_with(*marks):
        return post_form(li, url + "/return", {"marks": list(marks)}, url)

    for marks, message in (
        (["education|nonsense|不对"], "“学历学位”中没有这个字段或附件"),
        (["attachments|work_proof|不清楚"], "“附件上传”中没有这个字段或附件"),
        (["education|full_time_school|   "], "标记的退回原因不能为空"),
    ):
        refused = return_with("personal|phone|号码错误", *marks)
        kept = refused.get_data(as_text=True)
        assert refused.status_code == 422 and message in kept and 'value="personal|phone|号码错误"' in kept
    with app.app_context():
        assert Collection.get_by_id(waiting.id).status == "submitted" and ReturnReason.select().count() == 0

    assert (
        return_with("education|full_time_school|院校名称与证书不符", "attachments|diploma|证书反光看不清").status_code
        == 302
    )
    with app.app_context():
        assert {(r.section, r.target, r.text) for r in ReturnReason.select()} == {
            ("education", "full_time_school", "院校名称与证书不符"),
            ("attachments", "diploma", "证书反光看不清"),
        }


def test_the_export_streams_a_bom_csv_with_a_chinese_file_name(app, li, waiting):
    response = li.get("/console/review/export.csv")
    assert response.status_code == 200
    assert "filename*=UTF-8''%E5%AE%A1%E6%A0%B8%E5%88%97%E8%A1%A8" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf") and "王影" in body.decode("utf-8-sig")
    assert li.get("/console/review/export.pdf").status_code == 404
    with app.app_context():
        assert AuditEntry.select().where(AuditEntry.action == "collection.export").count() == 1


def test_no_exported_cell_is_a_formula(app, li, waiting):
    with app.app_context():
        Unit.update(name='=HYPERLINK("https://evil.example","点击")').execute()
    body = li.get("/console/review/export.csv").get_data().decode("utf-8-sig")
    assert "'=HYPERLINK" in body and ",=HYPERLINK" not in body
    book = load_workbook(io.BytesIO(li.get("/console/review/export.xlsx").get_data()))
    units = [row[3] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert units == ['\'=HYPERLINK("https://evil.example","点击")']


def test_bulk_approve_reports_the_skipped(app, li, waiting):
    with app.app_context():
        Collection.update(flags="photo_background").execute()
    response = post_form(
        li, "/console/review/bulk-approve", {"ids": str(waiting.id), "back": "/console/review/"}, "/console/review/"
    )
    assert response.status_code == 302
    page = li.get("/console/review/").get_data(as_text=True)
    assert "已审核通过 0 件，跳过 1 件" in page and "王影：有自动检查标记，请逐件审核" in page
    response = post_form(li, "/console/review/bulk-approve", {"back": "https://evil.example/"}, "/console/review/")
    assert response.headers["Location"].endswith("/console/review/")
    assert "请先勾选要审核通过的信息采集" in li.get("/console/review/").get_data(as_text=True)


def test_the_dashboard_shows_the_authoritys_figures_and_the_province_table(app, li, waiting):
    page = li.get("/console/").get_data(as_text=True)
    assert "昆都仑区财政局" in page and "待审核已等待（工作日）" in page and "<svg" in page
    admin = session_for(app, make_account(app, "province_admin", "admin"))
    page = admin.get("/console/").get_data(as_text=True)
    assert "各会计管理机构审核情况" in page and re.search(r"昆都仑区财政局</a></td>\s*<td[^>]*>1</td>", page)


def test_a_reason_template_is_chosen_from_the_wizards_own_fields(app):
    admin = session_for(app, make_account(app, "province_admin", "admin"))
    form = admin.get("/console/reason_template/new/").get_data(as_text=True)
    assert '<optgroup label="学历学位">' in form and ">全日制毕业院校<" in form
    assert ">从事会计工作证明函<" in form and ">工作证明<" not in form  # 内蒙古 asks for the 证明函 only

    def create(**typed):
        data = {"section": "education", "target": "full_time_school", "text": "学校名称有误", "sort_order": "1"}
        return post_form(admin, "/console/reason_template/new/", {**data, "is_active": "y", **typed})

    for typed, message in (
        ({"target": "nonsense"}, "“学历学位”中没有这个字段或附件，请在该栏目下选择"),
        ({"section": "attachments", "target": "work_proof"}, "“附件上传”中没有这个字段或附件"),
        ({"section": "学历学位"}, "不是有效的选择"),
        ({"text": "   "}, "请填写退回原因"),
        ({"sort_order": "第一"}, "不是有效的整数"),
    ):
        response = create(**typed)
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and message in page, typed
        assert "学校名称有误" in page or typed.get("text")
        with app.app_context():
            assert ReasonTemplate.select().count() == 0
    assert create().status_code == 302
    with app.app_context():
        assert ReasonTemplate.get().target == "full_time_school"


def test_after_a_merge_the_decided_cases_stay_where_decided_and_readable_where_the_work_went(app, scans):
    li_account = reviewer_at(app, "150203", "李审核")
    qingshan = reviewer_at(app, "150204", "钱审核")
    with app.test_request_context(), db.connection_context():
        decided = submitted(app, scans)
        decisions.approve(claims.claim(decided, li_account), li_account, app.extensions["profile"])
        authorities.merge(Authority.get(Authority.code == "150203"), Authority.get(Authority.code == "150204"))
        kundulun = Authority.get(Authority.code == "150203").id
    assert Collection.get_by_id(decided.id).authority_id == kundulun  # kept for the record
    for account in (li_account, qingshan):  # the moved reviewer, and the one already there
        client = session_for(app, Account.get_by_id(account.id))
        assert client.get(f"/console/review/{decided.id}").status_code == 200
        assert "王影" in client.get("/console/review/?state=approved").get_data(as_text=True)
    other = session_for(app, reviewer_at(app, "150102", "赵审核"))
    assert other.get(f"/console/review/{decided.id}").status_code == 404


def test_skipping_to_the_next_releases_the_collection_skipped(app, li, scans):
    with app.test_request_context(), db.connection_context():
        first = submitted(app, scans)
        second = submitted(app, scans, name="王影乙", serial=125, phone="13912345679")
    post_form(li, f"/console/review/{first.id}/claim", {}, f"/console/review/{first.id}")
    assert Collection.get_by_id(first.id).claimed_by_id is not None
    token = csrf_token(li, f"/console/review/{first.id}")
    skipped = li.post(f"/console/review/{first.id}/next", data={"csrf_token": token})
    assert skipped.headers["Location"] == f"/console/review/{second.id}"
    assert Collection.get_by_id(first.id).claimed_by_id is None  # free for the others at once
    assert li.post(f"/console/review/{first.id}/next").status_code == 400  # no token, no release


def test_approval_needs_no_confirmation_and_can_be_undone_from_the_next_page(app, li, waiting):
    li.get(f"/console/review/{waiting.id}")  # claims it
    approved = post_form(li, f"/console/review/{waiting.id}/approve", {}, f"/console/review/{waiting.id}")
    assert approved.status_code == 302
    queue = li.get(approved.headers["Location"]).get_data(as_text=True)
    assert "已审核通过 王影，10 秒内可撤销（短信稍后发出）" in queue
    assert f'action="/console/review/{waiting.id}/undo"' in queue
    with app.app_context():
        assert Collection.get_by_id(waiting.id).status == "approved"

    undone = post_form(li, f"/console/review/{waiting.id}/undo", {}, "/console/review/")
    page = li.get(undone.headers["Location"]).get_data(as_text=True)
    assert "已撤销对 王影 的审核通过，本件仍由您领取" in page and 'id="approve"' in page
    assert "秒内可撤销" not in page
    with app.app_context():
        assert Collection.get_by_id(waiting.id).status == "submitted"
        assert (
            not OutboxMessage.select()
            .where(OutboxMessage.delivered_at.is_null(False), OutboxMessage.body.contains("审核通过"))
            .exists()
        )
    again = post_form(li, f"/console/review/{waiting.id}/undo", {}, "/console/review/")
    assert "只能撤销本人刚刚作出的审核通过" in li.get(again.headers["Location"]).get_data(as_text=True)


def test_the_home_lists_what_waits_on_the_reviewer(app, li, waiting):
    assert "暂无待办" in li.get("/console/").get_data(as_text=True)
    with app.app_context():
        kundulun = Authority.get(Authority.code == "150203")
        unit = unit_at(kundulun, serial=9, name="草原会计服务有限公司")
        person = on_duty_at(unit, "赵信用", 401)
        head = make_account(app, "unit_head", "head", unit=unit)
        now = waiting.submitted_at
        UnitChange.create(
            unit=unit,
            name="草原会计有限公司",
            uscc=unit.uscc,
            region_code="150203",
            requested_by=head,
            requested_at=now,
        )
        Filing.create(kind="qualification", authority=kundulun, id_number="1", name="钱备案", submitted_at=now)
        CreditRecord.create(
            accountant=person,
            kind="trust",
            source="unit",
            occurred_on=date(2026, 1, 5),
            description="获评先进",
            entered_by=head,
            entered_at=now,
        )
        elsewhere = unit_at(Authority.get(Authority.code == "150102"), serial=10, name="别处单位")
        UnitChange.create(
            unit=elsewhere, name="别处", uscc=elsewhere.uscc, region_code="150102", requested_by=head, requested_at=now
        )
    todo = re.search(r'id="todo".*?</ul>', li.get("/console/").get_data(as_text=True), re.S).group(0)
    assert "单位变更申请待确认 1 件" in todo and "草原会计服务有限公司" in todo and "别处单位" not in todo
    assert "备案待确认 1 件" in todo and "信用信息待确认 1 条" in todo and "暂无待办" not in todo


def test_a_reviewer_saves_a_filter_and_opens_it_again(app, li, waiting):
    saved = post_form(
        li, "/console/review/filters?flag=none&overdue=1&mine=1", {"name": " 我的超期 "}, "/console/review/"
    )
    assert saved.status_code == 302 and "overdue=1" in saved.headers["Location"]
    page = li.get("/console/review/").get_data(as_text=True)
    link = re.search(r'<a href="(/console/review/\?[^"]+)">我的超期</a>', page).group(1)
    assert "flag=none" in link and "mine=1" in link and "overdue=1" in link
    for name, message in (("", "请填写 1 至 20 个字的筛选名称"), ("长" * 21, "请填写 1 至 20 个字的筛选名称")):
        refused = post_form(li, "/console/review/filters?flag=any", {"name": name}, "/console/review/")
        assert message in li.get(refused.headers["Location"]).get_data(as_text=True)
    post_form(li, "/console/review/filters?flag=any", {"name": "我的超期"}, "/console/review/")  # replaces it
    with app.app_context():
        (kept,) = SavedFilter.select()
        assert kept.query == "state=submitted&flag=any"

    other = session_for(app, reviewer_at(app, "150203", "王审核"))
    assert "我的超期" not in other.get("/console/review/").get_data(as_text=True)
    assert post_form(other, f"/console/review/filters/{kept.id}/delete", {}, "/console/review/").status_code == 404
    assert post_form(li, f"/console/review/filters/{kept.id}/delete", {}, "/console/review/").status_code == 302
    with app.app_context():
        assert SavedFilter.select().count() == 0


def test_the_queue_sorts_by_a_column_header_and_turns_it_round(app, li, waiting):
    page = li.get("/console/review/?order=name").get_data(as_text=True)
    assert "按姓名排序" in page and "王影" in page
    assert re.search(r'href="/console/review/\?[^"]*order=-name[^"]*" title="按姓名排序">姓名 ↑', page)
    assert "按姓名倒序" in li.get("/console/review/?order=-name").get_data(as_text=True)
    assert "按工作单位排序" in li.get("/console/review/?order=unit&after=不存在-x").get_data(as_text=True)
    assert "最早提交的在前" in li.get("/console/review/?order=nonsense").get_data(as_text=True)


def test_a_reviewer_keeps_at_most_twenty_saved_filters(app, li, waiting):
    for n in range(20):
        post_form(li, f"/console/review/filters?flag=any&q={n}", {"name": f"筛选{n}"}, "/console/review/")
    refused = post_form(li, "/console/review/filters?flag=none", {"name": "第二十一个"}, "/console/review/")
    assert "最多保存 20 个筛选，请先删除不用的" in li.get(refused.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert SavedFilter.select().count() == 20 and not SavedFilter.select().where(SavedFilter.name == "第二十一个")


def test_the_homes_figures_are_kept_until_a_submission_or_decision_changes_them(app, li, waiting):
    def figures():
        page = li.get("/console/").get_data(as_text=True)
        return {label: int(n) for label, n in re.findall(r"<tr><th>(待审核|审核通过)</th><td[^>]*>(\d+)</td>", page)}

    assert figures() == {"待审核": 1, "审核通过": 0}
    with app.app_context():  # written behind the console's back: the kept figures stand
        Collection.update(status="withdrawn").where(Collection.id == waiting.id).execute()
    assert figures() == {"待审核": 1, "审核通过": 0}
    with app.app_context():
        Collection.update(status="submitted").where(Collection.id == waiting.id).execute()
    li.get(f"/console/review/{waiting.id}")
    post_form(li, f"/console/review/{waiting.id}/approve", {}, f"/console/review/{waiting.id}")
    assert figures() == {"待审核": 0, "审核通过": 1}
    with app.app_context():  # another worker process's decision reaches this one through the database
        Collection.update(status="submitted").where(Collection.id == waiting.id).execute()
        Authority.update(figures_version=Authority.figures_version + 1).where(
            Authority.id == waiting.authority_id
        ).execute()
    assert figures() == {"待审核": 1, "审核通过": 0}
