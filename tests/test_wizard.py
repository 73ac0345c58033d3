"""The collection wizard through the portal: every step, bad input kept and explained, one submission."""

import dataclasses
import io
import re
from datetime import date

import pytest
from stdnum.cn import uscc

from console import profile_settings
from console.collection import lifecycle
from console.infra import clock
from console.infra.dictionaries import load_dictionaries
from console.review import claims, decisions
from models import (
    Account,
    Accountant,
    Attachment,
    Authority,
    Collection,
    LegacyRecord,
    OutboxMessage,
    PersonalSection,
    PostSection,
    ReturnReason,
    ReviewEvent,
    Unit,
)
from tests.factories import applicant as applicant_account
from tests.factories import complete, entry_filed, scan_for, submitted
from tests.helpers import csrf_token, make_account, make_accountant, resident_id, session_for
from tests.images import noisy_jpeg, png
from tests.test_documents import pdf_text, qr_of

UNIT = "91150203MA0000001" + uscc.calc_check_digit("91150203MA0000001")
STEPS = {
    "preparation": {},
    "commitment": {"agree": "1"},
    "personal": {"ethnicity": "汉族", "nationality": "中国", "political_status": "群众", "email": "wang@example.cn"},
    "post": {
        "has_unit": "1",
        "unit_uscc": UNIT,
        "on_duty": "1",
        "post": "出纳",
        "admin_post": "无",
        "tech_post": "无职务",
        "work_started_on": "2012-08-01",
        "unit_phone": "0472-5123456",
    },
    "education": {
        "full_time_level": "本科",
        "full_time_degree": "学士",
        "full_time_major": "会计学",
        "full_time_school": "内蒙古财经大学",
        "full_time_graduated_on": "2012-07-01",
    },
    "qualification": {"level": "无"},
}


@pytest.fixture(scope="module")
def scans():
    return {"photo": noisy_jpeg(295, 413, 60, 100), "scan": noisy_jpeg(900, 650, 65, 145)}


def accountant_client(app, region, born, authority_code, name="王影"):
    """A test client signed in as a registered accountant born in `region`."""
    with app.app_context():
        load_dictionaries()
        person = make_accountant(
            name=name,
            id_number=resident_id(region, born, 124),
            phone="13912345678",
            authority=Authority.get(Authority.code == authority_code),
        )
        entry_filed(person)
        account = Account.create(password_hash="x", role="accountant", accountant=person, created_at=date.today())
    return session_for(app, account)


@pytest.fixture
def applicant(app):
    with app.app_context():
        known_unit(UNIT, "150203")
    return accountant_client(app, "150105", "19900307", "150105")


def email_code(address):
    sent = OutboxMessage.select().where(OutboxMessage.recipient == address).order_by(OutboxMessage.id.desc()).first()
    return re.search(r"验证码是 (\d{6})", sent.body).group(1) if sent else ""


def submit(client, data):
    """提交审核 on the preview."""
    token = csrf_token(client, "/portal/collection/preview")
    return client.post("/portal/collection/submit", data={"csrf_token": token, **data})


def step(client, key, data, action="next"):
    """Post a wizard step as a browser would, pressing 获取单位信息 / 发送邮箱验证码 first where a person would."""
    url = f"/portal/collection/{key}"
    if key == "post" and action == "next" and data.get("has_unit") == "1":
        client.post(url, data={"csrf_token": csrf_token(client, url), "action": "lookup", **data})  # 获取单位信息
    if key == "personal" and action == "next" and data.get("email") and "email_code" not in data:
        client.post(url, data={"csrf_token": csrf_token(client, url), "action": "send_email_code", **data})
        data = {**data, "email_code": email_code(data["email"])}
    return client.post(
        url, data={"csrf_token": csrf_token(client, url), "action": action, **data}, content_type="multipart/form-data"
    )


def known_unit(code, region):
    """The unit as a colleague added it before."""
    return Unit.get_or_none(Unit.uscc == code) or Unit.create(
        uscc=code,
        name="示范单位",
        address="钢铁大街 1 号",
        region_code=region,
        authority=Authority.select().first(),
        created_at=clock.now(),
    )


def upload(client, slot, content, filename="扫描件.jpg"):
    url = "/portal/collection/attachments"
    return client.post(
        f"{url}/{slot}",
        data={"csrf_token": csrf_token(client, url), "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_an_inner_mongolia_applicant_walks_the_wizard_to_pending_review(applicant, scans):
    assert applicant.get("/portal/collection/").headers["Location"] == "/portal/collection/preparation"
    order = list(STEPS)
    for index, key in enumerate(order):
        response = step(applicant, key, STEPS[key])
        following = order[index + 1] if index + 1 < len(order) else "attachments"
        assert response.status_code == 302, (key, response.get_data(as_text=True))
        assert response.headers["Location"] == f"/portal/collection/{following}"
    page = applicant.get("/portal/collection/attachments").get_data(as_text=True)
    for label in (
        "1 寸免冠白底证件照",
        "身份证头像面",
        "身份证国徽面",
        "全日制学历证书",
        "全日制学位证书",
        "从事会计工作证明函",
    ):
        assert label in page
    assert "未上传证明函的，按非在岗人员对待" in page  # 002 §四.13: offered, not demanded
    refused = upload(applicant, "letter", scans["scan"]).get_data(as_text=True)  # no letter the system printed
    assert "未能识别证明函上的二维码" in refused
    for slot in ("photo", "id_front", "id_back", "diploma", "degree", "letter"):
        with applicant.application.app_context():
            content = scan_for(Collection.get(), slot, scans)
        assert "已上传" in upload(applicant, slot, content).get_data(as_text=True)

    preview = applicant.get("/portal/collection/preview").get_data(as_text=True)
    assert "还有" not in preview and "昆都仑区财政局" in preview and "内蒙古财经大学" in preview
    for label, value in (
        ("证件类型", "居民身份证"),
        ("性别", "女"),
        ("出生日期", "1990-03-07"),
        ("全日制所学专业", "会计学"),
        ("工作单位全称", "示范单位"),
        ("单位地址", "钢铁大街 1 号"),
        ("单位电话", "0472-5123456"),
        ("会计行政职务", "无"),
    ):
        assert re.search(f"<dt>{label}</dt><dd>[^<]*{value}", preview), label
    unticked = submit(applicant, {}).get_data(as_text=True)
    assert "请阅读并勾选真实性承诺" in unticked
    old_tab = csrf_token(applicant, "/portal/collection/preview")
    done = submit(applicant, {"confirm": "y"})
    assert done.status_code == 302 and done.headers["Location"] == "/portal/"
    home = applicant.get("/portal/").get_data(as_text=True)
    assert "提交成功！请等待审核，勿重复提交" in home and "待审核" in home and "昆都仑区财政局" in home

    again = applicant.post("/portal/collection/submit", data={"csrf_token": old_tab, "confirm": "y"})
    assert again.headers["Location"] == "/portal/"  # the second click, or an old tab: where the first landed
    assert "提交成功！请等待审核，勿重复提交" in applicant.get("/portal/").get_data(as_text=True)
    assert ReviewEvent.select().where(ReviewEvent.kind == "submit").count() == 1

    late = applicant.post(
        "/portal/collection/attachments/photo",
        follow_redirects=True,  # a tab left open
        data={"csrf_token": csrf_token(applicant, "/portal/"), "file": (io.BytesIO(scans["photo"]), "照片.jpg")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "信息采集已提交，正在等待审核；如需修改，请先撤回" in late
    assert applicant.get("/portal/collection/letter").headers["Location"] == "/portal/"

    withdrawn = applicant.post(
        "/portal/collection/withdraw", data={"csrf_token": csrf_token(applicant, "/portal/")}, follow_redirects=True
    )
    assert "已撤回，可以修改后重新提交" in withdrawn.get_data(as_text=True)
    assert Collection.get().status == "withdrawn"


def test_without_a_letter_the_preview_warns_and_a_racing_second_click_lands_where_the_first_did(
    applicant, scans, monkeypatch
):
    for key in ("preparation", "commitment", "personal", "post", "education", "qualification"):
        step(applicant, key, STEPS[key])
    for slot in ("photo", "id_front", "id_back", "diploma", "degree"):
        upload(applicant, slot, scans["photo" if slot == "photo" else "scan"])
    preview = applicant.get("/portal/collection/preview").get_data(as_text=True)
    assert "未上传从事会计工作证明函，提交后将按非在岗人员对待" in preview and "还有" not in preview
    stale = Collection.get()  # read by the second click before the first one's submit committed
    assert submit(applicant, {"confirm": "y"}).headers["Location"] == "/portal/"
    applicant.get("/portal/")  # the first click's page takes its message

    monkeypatch.setattr(lifecycle, "latest_of", lambda accountant: stale)
    second = submit(applicant, {"confirm": "y"})
    assert second.headers["Location"] == "/portal/"
    assert "提交成功！请等待审核，勿重复提交" in applicant.get("/portal/").get_data(as_text=True)
    assert ReviewEvent.select().where(ReviewEvent.kind == "submit").count() == 1
    assert PostSection.get(PostSection.collection == stale).on_duty is False


def test_bad_input_is_explained_at_the_field_and_what_was_typed_is_kept(applicant):
    response = step(applicant, "post", {**STEPS["post"], "unit_uscc": "91150203MA000000X", "school_name": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "统一社会信用代码不正确" in page
    assert 'value="0472-5123456"' in page and 'value="91150203MA000000X"' in page
    assert PostSection.get().unit_phone == "0472-5123456"  # the draft keeps it for next time

    before_graduation = step(applicant, "education", {**STEPS["education"]})
    assert before_graduation.status_code == 302
    early = step(applicant, "post", {**STEPS["post"], "work_started_on": "2012-06-01"}).get_data(as_text=True)
    assert "开始从事会计工作时间不能早于全日制学历毕业时间（2012-07-01）" in early

    bad_date = step(applicant, "post", {**STEPS["post"], "work_started_on": "2012-13-45"})
    assert bad_date.status_code == 200 and "2012-13-45" in bad_date.get_data(as_text=True)

    disagree = step(applicant, "commitment", {"agree": "0"}).get_data(as_text=True)
    assert "不同意诚信提供信息承诺的，不能继续信息采集" in disagree


def test_back_keeps_what_was_typed_without_checking(applicant):
    response = step(applicant, "post", {"has_unit": "1", "unit_uscc": "半截"}, action="prev")
    assert response.headers["Location"] == "/portal/collection/personal"
    assert 'value="半截"' in applicant.get("/portal/collection/post").get_data(as_text=True)


def test_a_renamed_pdf_is_refused_at_upload(applicant):
    page = upload(applicant, "id_front", b"%PDF-1.4\n" * 3000, "身份证.jpg").get_data(as_text=True)
    assert "身份证头像面：文件内容不是 JPEG 格式的图片" in page


def test_unknown_steps_and_staff_are_refused(applicant, app, reviewer_client):
    assert applicant.get("/portal/collection/awards").status_code == 404  # not an Inner Mongolia section
    assert reviewer_client.get("/portal/collection/personal").status_code == 403


def unit_in(region):
    body = f"91{region}MA0000001"
    return body + uscc.calc_check_digit(body)


def answers_for(region, born, graduated, started, choice=None):
    """Valid answers of every section any profile has, for a person and a unit of `region`; `choice` what the
    profile's routing asks (the work place's region, or the 会计管理部门)."""
    return {
        "notice": {},
        "preparation": {},
        "commitment": {"agree": "1"},
        "talent": {},
        "personal": STEPS["personal"],
        "post": {
            **STEPS["post"],
            "unit_uscc": unit_in(region),
            "work_started_on": started,
            "joined_on": started,
            **(choice or {}),
        },
        "education": {**STEPS["education"], "full_time_graduated_on": graduated},
        "qualification": {"level": "无", "abacus_level": "无"},
        "awards": {},
        "violations": {},
        "publications": {
            "title": "论内部控制",
            "published_on": "2023-05-01",
            "issue": "5",
            "serial_no": "CN11-1234/F",
            "author_rank": "1",
            "publisher": "财会月刊",
        },
    }


JOURNEYS = {  # province: (region, birth, graduated, started, the bureau it reaches, the scans of the profile)
    "neimenggu": ("150203", "19900307", "2012-07-01", "2012-08-01", "昆都仑区财政局", ("letter",)),
    "jilin": ("220102", "19850101", "2007-07-01", "2007-09-01", "长春市财政局", ("work_proof", "commitment")),
    "bingtuan": ("650102", "19880101", "2010-07-01", "2010-08-01", "第八师财政局", ("work_proof",)),
    "chongqing": ("500103", "20000202", "2022-07-01", "2022-08-01", "渝中区财政局", ("work_proof",)),
}


def routing_answer(province, region, bureau):
    """What each profile's routing asks of the person (001 单位所属区域, 003 工作地所在地区, 000 会计管理部门)."""
    if province in ("jilin", "chongqing"):
        return {"work_region_code": Authority.get(Authority.name == bureau).region_code}
    if province == "bingtuan":
        return {"chosen_authority": str(Authority.get(Authority.name == bureau).id)}
    return {}


@pytest.mark.parametrize("province", list(JOURNEYS))
def test_each_province_reaches_pending_review_through_its_own_sections(app, province, scans):
    region, born, graduated, started, bureau, own_scans = JOURNEYS[province]
    with app.app_context():
        known_unit(unit_in(region), region)
        choice = routing_answer(province, region, bureau)
    client = accountant_client(app, region, born, app.extensions["profile"].province_code)
    given = answers_for(region, born, graduated, started, choice)
    for key in app.extensions["profile"].sections:
        if key in ("attachments", "preview"):
            continue
        response = step(client, key, given[key])
        assert response.status_code == 302, (key, response.get_data(as_text=True)[-1500:])
    proofs = ("publication_proof",) if province == "chongqing" else ()
    for slot in ("photo", "id_front", "id_back", "diploma", "degree", *own_scans, *proofs):
        with app.app_context():
            content = scan_for(Collection.get(), slot, scans)
        assert "已上传" in upload(client, slot, content).get_data(as_text=True)
    if province == "chongqing":
        preview = client.get("/portal/collection/preview").get_data(as_text=True)
        assert "论文及著作名称" in preview and "财会月刊" in preview
    assert submit(client, {"confirm": "y"}).headers["Location"] == "/portal/"
    submitted = Collection.get()
    assert (submitted.status, submitted.authority.name) == ("submitted", bureau)


def test_after_a_return_the_reasons_stand_at_their_fields(app, applicant):
    step(applicant, "post", STEPS["post"])
    collection = Collection.get()
    collection.status = "returned"
    collection.save()
    event = ReviewEvent.create(collection=collection, kind="return", revision=1, at=clock.now())
    ReturnReason.create(event=event, section="post", target="unit_uscc", text="统一社会信用代码与营业执照不一致")
    ReturnReason.create(event=event, section="attachments", target="diploma", text="学历证书扫描件不清晰")
    page = applicant.get("/portal/collection/post").get_data(as_text=True)
    assert "本次信息采集已被退回" in page
    field = page[page.index('id="unit_uscc"') :]
    assert field.index("退回原因：统一社会信用代码与营业执照不一致") < field.index("</div>")
    home = applicant.get("/portal/").get_data(as_text=True)
    assert "已退回" in home and "退回原因：学历证书扫描件不清晰" in home


def test_an_unknown_unit_is_added_on_the_unit_step(applicant, scans):
    code = unit_in("150102")
    data = {**STEPS["post"], "unit_uscc": code}
    url = "/portal/collection/post"
    assert "单位：示范单位" in step(applicant, "post", STEPS["post"], action="lookup").get_data(as_text=True)
    looked_up = applicant.post(
        url, data={"csrf_token": csrf_token(applicant, url), "action": "lookup", **data}, follow_redirects=True
    ).get_data(as_text=True)
    assert "系统中还没有该单位" in looked_up and "单位全称" in looked_up and "添加单位" in looked_up
    assert "单位：示范单位" not in looked_up  # the unit found before is no longer the answer

    no_licence = step(
        applicant, "post", {**data, "unit_name": "新城示范公司", "unit_address": "新城区 1 号"}, action="add_unit"
    ).get_data(as_text=True)
    assert "请上传统一社会信用代码证书扫描件" in no_licence and 'value="新城示范公司"' in no_licence
    at = no_licence.index("请上传统一社会信用代码证书扫描件")
    assert no_licence.rindex('for="licence"', 0, at) > no_licence.rindex('for="unit_uscc"', 0, at)  # at the scan
    added = step(
        applicant,
        "post",
        {
            **data,
            "unit_name": "新城示范公司",
            "unit_address": "新城区 1 号",
            "unit_region_code": "150102",
            "licence": (io.BytesIO(scans["scan"]), "营业执照.jpg"),
        },
        action="add_unit",
    )
    assert "已获取单位信息：新城示范公司" in added.get_data(as_text=True)
    assert (
        PostSection.get().unit.name == "新城示范公司" and Unit.get(Unit.uscc == code).authority.name == "新城区财政局"
    )
    assert step(applicant, "post", data).headers["Location"] == "/portal/collection/education"


def test_lookup_refuses_a_bad_or_outside_code(applicant):
    bad = step(applicant, "post", {**STEPS["post"], "unit_uscc": unit_in("110105")}, action="lookup")
    assert "只能添加本省（区）范围内的单位" in bad.get_data(as_text=True)


def test_the_printable_letter_carries_the_entered_facts_and_a_code_that_changes_with_them(applicant):
    assert applicant.get("/portal/collection/letter").headers["Location"] == "/portal/collection/post"
    step(applicant, "post", STEPS["post"])
    assert "填写并打印从事会计工作证明函" in applicant.get("/portal/collection/post").get_data(as_text=True)
    printed = applicant.get("/portal/collection/letter")
    assert printed.mimetype == "application/pdf" and printed.headers["Cache-Control"] == "private, no-store"
    page = pdf_text(printed.data)
    code = re.search(r"证明函验证码：([A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4})", page).group(1)
    assert "王影" in page and "示范单位" in page and UNIT in page and "2012-08-01" in page
    assert "致：会计人员管理机构" in page and "单位财务专用章" in page and "人事负责人" in page  # 002's 式样
    assert PostSection.get().letter_code == code and qr_of(printed.data)[0].split("|")[1] == code
    step(applicant, "post", {**STEPS["post"], "work_started_on": "2013-08-01"})
    changed = pdf_text(applicant.get("/portal/collection/letter").data)
    assert code not in changed and PostSection.get().letter_code != code


@pytest.mark.parametrize("province", ["bingtuan"])
def test_each_profile_prints_its_own_work_proof_and_one_without_prints_none(app, province):
    client = accountant_client(app, "659001", "19850101", "66")
    printed = client.get("/portal/collection/letter")  # 000 §9: 【模板下载】 the 工作证明
    assert printed.mimetype == "application/pdf" and "王影" in pdf_text(printed.data)
    assert "系我单位在职职工" in pdf_text(printed.data)
    app.extensions["profile"] = dataclasses.replace(app.extensions["profile"], documents=[])
    profile_settings.forget(app)
    assert client.get("/portal/collection/letter").status_code == 404


@pytest.mark.parametrize(
    "key, data, message, kept",
    [
        ("personal", {**STEPS["personal"], "ethnicity": ""}, "请选择民族", 'selected value="群众"'),
        ("personal", {**STEPS["personal"], "email": "a@b"}, "电子邮箱格式不正确", 'value="a@b"'),
        ("personal", {**STEPS["personal"], "email": ""}, "请填写电子邮箱", 'selected value="群众"'),
        ("personal", {**STEPS["personal"], "email_code": "000000"}, "验证码", 'value="wang@example.cn"'),
        ("education", {**STEPS["education"], "full_time_school": ""}, "请填写毕业院校", 'value="会计学"'),
        (
            "education",
            {**STEPS["education"], "full_time_graduated_on": "2099-07-01"},
            "在校生请选择“在校”",
            'value="内蒙古财经大学"',
        ),
        (
            "education",
            {**STEPS["education"], "part_time_school": "中央广播电视大学"},
            "请选择最高学历",
            'value="中央广播电视大学"',
        ),
        ("qualification", {"level": "无", "certificate_no": "Z123"}, "不填写证书编号或批文号", 'value="Z123"'),
        ("qualification", {"level": "中级", "certificate_no": "Z123"}, "请填写取得方式", 'value="Z123"'),
        ("post", {**STEPS["post"], "tech_post": "会计师"}, "请填写会计专业技术职务聘任时间", 'value="0472-5123456"'),
        ("post", {**STEPS["post"], "tech_post_appointed_on": "2015-01-01"}, "不填写聘任时间", 'value="0472-5123456"'),
        (
            "post",
            {"has_unit": "0", "on_duty": "0", "tech_post": "无职务", "school_name": "内蒙古大学"},
            "请选择采集地",
            'value="内蒙古大学"',
        ),
    ],
)
def test_each_step_explains_bad_input_and_keeps_the_rest(applicant, key, data, message, kept):
    response = step(applicant, key, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page and kept in page


@pytest.mark.parametrize("province", ["chongqing"])
def test_chongqing_records_all_or_none(app, province):
    client = accountant_client(app, "500103", "20000202", "500103")
    paper = answers_for("500103", "", "", "")["publications"]
    rank = step(client, "publications", {**paper, "author_rank": "第一"}).get_data(as_text=True)
    assert "第几作者只能输入数字" in rank and 'value="财会月刊"' in rank
    partial = step(client, "awards", {"level": "市级"}).get_data(as_text=True)
    assert "请填写获奖日期（填写其中一项的，其他项都需要填写）" in partial
    assert step(client, "awards", {}).headers["Location"] == "/portal/collection/violations"  # none at all is fine


def test_the_email_is_verified_by_a_code_in_inner_mongolia(applicant):
    url = "/portal/collection/personal"
    unverified = step(applicant, "personal", {**STEPS["personal"], "email_code": ""}).get_data(as_text=True)
    assert "请获取并填写邮箱验证码，完成电子邮箱验证" in unverified
    sent = applicant.post(
        url, data={"csrf_token": csrf_token(applicant, url), "action": "send_email_code", **STEPS["personal"]}
    ).get_data(as_text=True)
    assert "验证码已发送到您的电子邮箱" in sent
    assert OutboxMessage.get(OutboxMessage.recipient == "wang@example.cn").channel == "email"
    done = step(applicant, "personal", {**STEPS["personal"], "email_code": email_code("wang@example.cn")})
    assert done.headers["Location"] == "/portal/collection/post"
    assert Collection.get().accountant.email == "wang@example.cn"


def test_a_photo_is_fitted_shown_and_kept_only_when_accepted(applicant):
    url = "/portal/collection/attachments"
    token = csrf_token(applicant, url)
    shown = applicant.post(
        f"{url}/photo/fit",
        data={"csrf_token": token, "file": (io.BytesIO(noisy_jpeg(1200, 1600)), "自拍.jpg")},
        content_type="multipart/form-data",
    )
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200 and 'src="data:image/jpeg;base64,' in page and "使用此照片" in page
    assert Attachment.select().count() == 0  # nothing kept yet, and the original never
    fitted = re.search(r'name="fitted" type="hidden" value="([^"]+)"', page).group(1)
    kept = applicant.post(f"{url}/photo/keep", data={"csrf_token": token, "fitted": fitted}, follow_redirects=True)
    assert "1 寸免冠白底证件照已上传" in kept.get_data(as_text=True)
    photo = Attachment.get(Attachment.slot == "photo")
    assert (photo.width, photo.height) == (295, 413)
    tampered = applicant.post(
        f"{url}/photo/keep", data={"csrf_token": token, "fitted": "not base64!"}, follow_redirects=True
    )
    assert "请重新选择照片" in tampered.get_data(as_text=True)
    plain = applicant.post(
        f"{url}/photo/fit",
        data={"csrf_token": token, "file": (io.BytesIO(png(600, 800)), "a.png")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "照片细节过少" in plain.get_data(as_text=True)


def test_a_change_corrects_the_name_and_takes_a_new_phone_once_its_code_is_typed(app, scans):
    with app.test_request_context():
        waiting = submitted(app, scans)
        li = make_account(app, "reviewer", "li", authority=Authority.get(Authority.code == "150203"))
        decisions.approve(claims.claim(waiting, li), li, app.extensions["profile"])
        account = Account.get(Account.accountant == waiting.accountant_id)
        make_accountant("张三", resident_id(serial=401), "13900004010")
    client = session_for(app, account)
    client.post("/portal/collection/change", data={"csrf_token": csrf_token(client, "/portal/")})
    page = client.get("/portal/collection/personal").get_data(as_text=True)
    assert 'name="name"' in page and 'name="new_phone"' in page and 'name="id_number"' not in page
    typed = {**STEPS["personal"], "name": "王莹"}

    taken = step(client, "personal", {**typed, "new_phone": "13900004010"}, action="send_phone_code")
    assert "该手机号已与其他证件号绑定" in taken.get_data(as_text=True)
    assert 'value="王莹"' in taken.get_data(as_text=True)  # what was typed is kept
    step(client, "personal", {**typed, "new_phone": "13900005555"}, action="send_phone_code")
    sent = OutboxMessage.select().where(OutboxMessage.recipient == "13900005555").get()
    wrong = step(client, "personal", {**typed, "new_phone": "13900005555", "phone_code": "000000"})
    assert (
        "验证码错误，还可再试 4 次" in wrong.get_data(as_text=True)
        and PersonalSection.get(PersonalSection.collection == Collection.get(Collection.kind == "change")).phone
        == "13912345678"
    )
    code = re.search(r"验证码是 (\d{6})", sent.body).group(1)
    verified = {**typed, "email_code": ""}  # the e-mail was verified with the wrong phone code's step
    done = step(client, "personal", {**verified, "new_phone": "13900005555", "phone_code": code})
    assert done.status_code == 302
    change = Collection.get(Collection.kind == "change")
    personal = PersonalSection.get(PersonalSection.collection == change)
    assert (personal.name, personal.phone) == ("王莹", "13900005555")
    assert Accountant.get_by_id(account.accountant_id).phone == "13912345678"  # the archive's once approved


def test_someone_the_system_passes_is_told_it_passed(app, scans):
    scans = {**scans, "photo": noisy_jpeg(295, 413, 60, 100, white_border=True)}  # nothing to flag
    with app.test_request_context():
        account = applicant_account("孙旧", 126, "13900000003")
        LegacyRecord.create(
            id_number=account.accountant.id_number,
            name="孙旧",
            education_level="本科",
            qualification_level="无",
            imported_at=clock.now(),
        )
        entry_filed(account.accountant)
        complete(app, lifecycle.open_draft(account.accountant), scans)
    client = session_for(app, account)
    assert submit(client, {"confirm": "y"}).headers["Location"] == "/portal/"
    home = client.get("/portal/").get_data(as_text=True)
    assert "提交成功，已审核通过" in home and "请等待审核" not in home
