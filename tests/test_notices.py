"""通知公告、操作指南、常见问题: written and published in the console by the admins of the authorities they keep,
shown on the portal to the people of the bureau and those below it, bodies sanitised, files checked by content."""

import io
import json
import re
from datetime import timedelta

import pytest
from pypdf import PdfWriter

from console.content import files, notices
from console.errors import RuleViolation
from console.infra import clock
from models import AuditEntry, Authority, Content, ContentFile
from tests.factories import content, entry_filed, portal_account
from tests.helpers import make_account, make_accountant, post_form, resident_id, session_for
from tests.images import noisy_jpeg
from tests.test_console_chinese import walk

SCRIPTED = '# 标题\n\n<script>alert("x")</script>\n\n<img src=x onerror=alert(1)>\n\n[链接](javascript:alert(1)) [财政厅](https://czt.nmg.gov.cn)'


def pdf(pages=1):
    writer, out = PdfWriter(), io.BytesIO()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    writer.write(out)
    return out.getvalue()


def authority(code):
    return Authority.get(Authority.code == code)


def form_data(**changes):
    root = authority("15")
    data = {
        "kind": "notice",
        "title": "关于开展 2027 年会计人员信息采集的通知",
        "body": "请各单位于 **3 月底前** 完成。",
        "authority_id": str(root.id),
        "publish_at": "",
        "expires_at": "",
        "sort_order": "0",
        "wizard_step": "",
    }
    return {**data, **changes}


def create(client, **changes):
    return post_form(client, "/console/notice/new/", form_data(**changes))


def publish(client, item):
    details = f"/console/notice/details/?id={item.id}"
    return post_form(client, f"/console/notice/publish/?id={item.id}", {}, details)


def test_the_sanitiser_strips_every_script_a_body_could_carry():
    html = notices.render_body(SCRIPTED)
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert not re.search(r"<[^>]+\son\w+=", html)  # no handler on any tag
    assert "&lt;script&gt;" in html  # raw HTML is shown as the text it is
    assert '<a href="https://czt.nmg.gov.cn" rel="noopener noreferrer">财政厅</a>' in html
    assert "<h2>标题</h2>" in html  # the page's own h1 is the title


def test_an_admin_writes_publishes_and_withdraws_a_notice_and_each_step_is_audited(app, admin_client):
    response = create(admin_client, body=SCRIPTED)
    item = Content.get()
    assert response.status_code == 302 and response.headers["Location"] == f"/console/notice/details/?id={item.id}"
    assert item.state == "draft" and item.authority.code == "15"
    anonymous = app.test_client()
    assert anonymous.get(f"/notices/{item.id}").status_code == 404
    assert item.title not in anonymous.get("/portal/login").get_data(as_text=True)

    assert publish(admin_client, item).status_code == 302
    page = anonymous.get(f"/notices/{item.id}").get_data(as_text=True)
    assert item.title in page and "<script>alert" not in page and "<img src=x" not in page
    login = anonymous.get("/portal/login").get_data(as_text=True)
    assert f'<a href="/notices/{item.id}">{item.title}</a>' in login and 'href="/notices/">更多' in login
    entry = AuditEntry.get(AuditEntry.action == "content.publish")
    assert json.loads(entry.detail) == {"类别": "通知公告", "标题": item.title, "发布机构": "内蒙古自治区财政厅"}

    post_form(admin_client, f"/console/notice/withdraw/?id={item.id}", {}, f"/console/notice/details/?id={item.id}")
    assert Content.get_by_id(item.id).state == "withdrawn"
    assert anonymous.get(f"/notices/{item.id}").status_code == 404
    assert [e.action for e in AuditEntry.select().where(AuditEntry.target_type == "Content")] == [
        "content.create",
        "content.publish",
        "content.withdraw",
    ]


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"title": "  "}, "title", "请填写标题"),
        ({"title": "长" * 101}, "title", "标题不能超过 100 个字"),
        ({"kind": "poster"}, "kind", "请选择类别"),
        ({"authority_id": ""}, "authority_id", "请选择发布机构"),
        ({"authority_id": "abc"}, "authority_id", "请选择发布机构"),
        ({"publish_at": "2027-03-01T09:00", "expires_at": "2027-02-01T09:00"}, "expires_at", "失效时间应晚于发布时间"),
        ({"publish_at": "明天"}, "publish_at", "不是有效的日期与时间值"),
        ({"wizard_step": "personal"}, "wizard_step", "只有操作指南可以关联信息采集步骤"),
        ({"kind": "guide", "wizard_step": "talent"}, "wizard_step", "请选择本省信息采集中的步骤"),
    ],
)
def test_bad_input_is_refused_at_its_field_keeping_what_was_typed(admin_client, changes, field, message):
    typed = {"body": "正文照旧 <b>保留</b>", **changes}
    response = create(admin_client, **typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    errors = re.search(rf'id="{field}"[^>]*>.*?(<div class="invalid-feedback|</div>\s*</div>)', page, re.S)
    assert message in page and errors, page
    assert "正文照旧 &lt;b&gt;保留&lt;/b&gt;" in page
    assert not Content.select().exists() and not AuditEntry.select().where(AuditEntry.target_type == "Content").exists()


def test_times_are_typed_in_beijing_time_and_a_future_notice_waits(app, admin_client):
    tomorrow = clock.to_beijing(clock.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    create(admin_client, publish_at=tomorrow)
    item = Content.get()
    assert clock.to_beijing(item.publish_at).strftime("%Y-%m-%dT%H:%M") == tomorrow
    assert f'value="{tomorrow}"' in admin_client.get(f"/console/notice/edit/?id={item.id}").get_data(as_text=True)
    publish(admin_client, item)
    assert app.test_client().get(f"/notices/{item.id}").status_code == 404
    assert not list(notices.visible_notices(None))
    assert list(notices.visible_notices(None, now=clock.now() + timedelta(days=2))) == [Content.get_by_id(item.id)]


def test_an_expired_notice_leaves_the_lists_and_keeps_its_address(ctx):
    item = content(authority("15"), expires_at=clock.now() - timedelta(minutes=1))
    assert not list(notices.visible_notices(None))
    assert notices.readable(item, make_account_anonymous())
    with pytest.raises(RuleViolation, match="失效时间已过"):
        notices.publish(Content.get_by_id(content(authority("15"), state="draft", expires_at=item.expires_at).id), None)


def make_account_anonymous():
    from flask_login import AnonymousUserMixin

    return AnonymousUserMixin()


def test_the_expired_page_says_so(app, client):
    with app.app_context():
        item = content(authority("15"), expires_at=clock.now() - timedelta(minutes=1))
    page = client.get(f"/notices/{item.id}").get_data(as_text=True)
    assert "本通知已于" in page and "过期，仅供查阅" in page


def test_people_see_their_bureaus_notices_and_those_above_not_their_neighbours(app):
    with app.app_context():
        province = content(authority("15"), "全区通知")
        city = content(authority("1501"), "呼和浩特市通知")
        county = content(authority("150105"), "赛罕区通知")
        other = content(authority("1502"), "包头市通知")
        person = make_accountant(id_number=resident_id(serial=401), phone="13900000401", authority=authority("150105"))
        account = portal_account(person)
    home = session_for(app, account).get("/portal/").get_data(as_text=True)
    shown = re.findall(r'id="latest-notices".*?</section>', home, re.S)[0]
    assert all(item.title in shown for item in (province, city, county)) and other.title not in shown
    login = app.test_client().get("/portal/login").get_data(as_text=True)
    assert province.title in login and city.title not in login and county.title not in login
    anonymous_list = app.test_client().get("/notices/").get_data(as_text=True)
    assert province.title in anonymous_list and other.title not in anonymous_list
    assert app.test_client().get(f"/notices/{other.id}").status_code == 200  # its address is public


def test_the_list_is_paged_and_newest_first(app, client):
    with app.app_context():
        start = clock.now() - timedelta(days=30)
        for n in range(25):
            content(authority("15"), f"第 {n + 1} 号通知", publish_at=start + timedelta(days=n))
    first = client.get("/notices/").get_data(as_text=True)
    titles = re.findall(r'<a href="/notices/\d+">(第 \d+ 号通知)</a>', first)
    assert len(titles) == 20 and titles[0] == "第 25 号通知" and 'href="/notices/?page=2">下一页' in first
    second = client.get("/notices/?page=2").get_data(as_text=True)
    assert re.findall(r'<a href="/notices/\d+">(第 \d+ 号通知)</a>', second)[-1] == "第 1 号通知"
    assert "下一页" not in second and client.get("/notices/?page=x").status_code == 200
    home = client.get("/portal/login").get_data(as_text=True)
    assert len(re.findall(r'<a href="/notices/\d+">', home)) == notices.LATEST


def test_a_city_admin_keeps_its_own_tree_only(app):
    with app.app_context():
        province_item = content(authority("15"), "全区通知", state="draft")
        county_item = content(authority("150105"), "赛罕区通知", state="draft")
        neighbour = content(authority("150203"), "昆都仑区通知", state="draft")
    city_admin = session_for(app, make_account(app, "province_admin", "hohhot", authority=authority("1501")))
    listing = city_admin.get("/console/notice/").get_data(as_text=True)
    assert county_item.title in listing and province_item.title not in listing and neighbour.title not in listing
    form = city_admin.get("/console/notice/new/").get_data(as_text=True)
    assert "赛罕区财政局" in form and "内蒙古自治区财政厅</option>" not in form
    refused = post_form(city_admin, "/console/notice/new/", form_data(authority_id=str(authority("15").id)))
    assert "只能以本机构或下级机构的名义发布" in refused.get_data(as_text=True)
    assert city_admin.post(f"/console/notice/publish/?id={province_item.id}", data={}).status_code in (400, 404)
    details = f"/console/notice/details/?id={county_item.id}"
    assert post_form(city_admin, f"/console/notice/publish/?id={neighbour.id}", {}, details).status_code == 404
    assert post_form(city_admin, f"/console/notice/publish/?id={county_item.id}", {}, details).status_code == 302
    assert Content.get_by_id(county_item.id).state == "published"
    assert Content.get_by_id(neighbour.id).state == "draft"


def test_a_draft_is_previewed_by_its_staff_and_nobody_else(app):
    with app.app_context():
        draft = content(authority("150105"), "待发布的通知", state="draft")
        person = make_accountant(id_number=resident_id(serial=402), phone="13900000402", authority=authority("150105"))
        accountant = portal_account(person)
    own_reviewer = make_account(app, "reviewer", "saihan", authority=authority("150105"))
    other_reviewer = make_account(app, "reviewer", "baotou", authority=authority("1502"))
    page = session_for(app, own_reviewer).get(f"/notices/{draft.id}").get_data(as_text=True)
    assert "预览：本内容草稿，会计人员看不到。" in page
    assert session_for(app, other_reviewer).get(f"/notices/{draft.id}").status_code == 404
    assert session_for(app, accountant).get(f"/notices/{draft.id}").status_code == 404


def test_files_are_checked_by_content_and_served_once_published(app, admin_client):
    with app.app_context():
        item = content(authority("15"), state="draft")
    url = f"/console/notice/files/?id={item.id}"
    uploaded = post_form(admin_client, url, {"file": (io.BytesIO(pdf(2)), "2027年通知.pdf")})
    assert uploaded.status_code == 302
    post_form(admin_client, url, {"file": (io.BytesIO(noisy_jpeg(900, 650, 65, 145)), "C:\\扫描\\示例.JPG")})
    held = list(ContentFile.select().order_by(ContentFile.id))
    assert [(f.filename, f.content_type) for f in held] == [
        ("2027年通知.pdf", "application/pdf"),
        ("示例.jpg", "image/jpeg"),
    ]

    anonymous = app.test_client()
    assert anonymous.get(f"/notices/files/{held[0].id}").status_code == 404  # a draft's files are not out yet
    assert admin_client.get(f"/notices/files/{held[0].id}").status_code == 200
    publish(admin_client, item)
    served = anonymous.get(f"/notices/files/{held[0].id}")
    assert served.status_code == 200 and served.data.startswith(b"%PDF-") and served.mimetype == "application/pdf"
    assert served.headers["Content-Disposition"].startswith("attachment")
    image = anonymous.get(f"/notices/files/{held[1].id}")
    assert image.mimetype == "image/jpeg" and b"Exif" not in image.data[:200]
    page = anonymous.get(f"/notices/{item.id}").get_data(as_text=True)
    assert f'<a href="/notices/files/{held[0].id}">2027年通知.pdf</a>' in page

    remove = post_form(admin_client, f"/console/notice/files/remove/?id={held[1].id}", {}, url)
    assert remove.status_code == 302 and ContentFile.select().count() == 1
    assert anonymous.get(f"/notices/files/{held[1].id}").status_code == 404


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"", "空.pdf", "请选择要上传的文件"),
        (b"not a pdf at all, only text", "通知.pdf", "附件应为 PDF 文件或 JPEG、PNG 图片"),
        (b"%PDF-1.7\nbroken beyond repair", "坏.pdf", "PDF 文件不完整或已损坏"),
        (b"\xff\xd8\xff\xe0 broken jpeg", "坏.jpg", "图片"),
    ],
)
def test_a_file_that_is_no_pdf_or_image_is_refused_at_the_field(app, admin_client, data, name, message):
    with app.app_context():
        item = content(authority("15"), state="draft")
    url = f"/console/notice/files/?id={item.id}"
    response = post_form(admin_client, url, {"file": (io.BytesIO(data), name)} if data else {})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page and 'class="invalid-feedback d-block"' in page
    assert not ContentFile.select().exists()


def test_at_most_ten_files(ctx):
    item = content(authority("15"), state="draft")
    for n in range(files.MAX_FILES):
        files.attach(item, f"{n}.pdf", pdf(), None)
    with pytest.raises(RuleViolation, match="最多 10 个附件"):
        files.attach(item, "再一个.pdf", pdf(), None)


def test_an_encrypted_pdf_is_refused(ctx):
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(100, 100)
    writer.encrypt("secret", algorithm="RC4-128")
    writer.write(out)
    with pytest.raises(RuleViolation, match="PDF 文件已加密"):
        files.checked(out.getvalue())


def test_guides_are_linked_from_the_menu_and_from_the_step_they_explain(app):
    with app.app_context():
        guide = content(authority("15"), "个人信息填写指南", kind="guide", wizard_step="personal", sort_order=2)
        content(authority("15"), "照片要求", kind="guide", sort_order=1)
        content(authority("15"), "忘记密码怎么办？", kind="faq", sort_order=2, body="在登录页点击 **忘记密码**。")
        content(authority("15"), "在哪里采集？", kind="faq", sort_order=1)
        person = make_accountant(id_number=resident_id(serial=403), phone="13900000403", authority=authority("150105"))
        account = portal_account(person)
        entry_filed(person)  # Inner Mongolia: may collect
    client = session_for(app, account)
    menu = client.get("/portal/").get_data(as_text=True)
    assert 'href="/guides/">操作指南</a>' in menu and 'href="/faq">常见问题</a>' in menu
    guides = client.get("/guides/").get_data(as_text=True)
    assert re.findall(r'<a href="/guides/\d+">(.*?)</a>', guides) == ["照片要求", "个人信息填写指南"]
    step = client.get("/portal/collection/personal").get_data(as_text=True)
    assert f'<a href="/guides/{guide.id}">操作指南：个人信息填写指南</a>' in step
    assert "操作指南：" not in client.get("/portal/collection/post").get_data(as_text=True)
    faq = client.get("/faq").get_data(as_text=True)
    assert faq.index("在哪里采集？") < faq.index("忘记密码怎么办？") and "<strong>忘记密码</strong>" in faq
    assert client.get(f"/notices/{guide.id}").status_code == 404  # a guide lives at its own address
    assert client.get(f"/guides/{guide.id}").status_code == 200


@pytest.mark.parametrize("role", ["province_admin", "city_admin"])
def test_the_editor_pages_speak_chinese_and_run_under_the_policy(app, role):
    city = authority("1501")
    with app.app_context():
        item = content(city, state="draft", body="# 小标题\n\n**加粗**的正文，见附件。")
        files.attach(item, "通知.pdf", pdf(), None)
        content(city, "已发布", kind="guide", wizard_step="personal")
    admin_at = city if role == "city_admin" else None
    account = make_account(app, "province_admin", role[:1] + "a", authority=admin_at, display_name="测试人员")
    assert walk(session_for(app, account), "/console/notice/") == {}
    assert walk(session_for(app, account), f"/console/notice/files/?id={item.id}") == {}
