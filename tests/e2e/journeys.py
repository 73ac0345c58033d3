"""Journeys more than one browser test walks: against the test's live server, or the whole stack."""

import re

from playwright.sync_api import expect

from console.collection.attachments import SLOTS
from console.infra.dictionaries import load_dictionaries
from models import Accountant, Collection, OutboxMessage
from tests.e2e.conftest import add_unit, screenshot, verify_email
from tests.factories import entry_filed, scan_for
from tests.helpers import resident_id
from tests.images import noisy_jpeg
from tests.test_wizard import JOURNEYS as WIZARD
from tests.test_wizard import answers_for, routing_answer

PHONE = "13912345678"
JOURNEYS = {
    # province: (ID region, birth, password, sign-in fields)
    "neimenggu": ("150105", "19900307", "Grass#land2026", ("证件号码", "密码", "验证码")),
    "jilin": ("220102", "19850101", "Jilin2026x", ("用户名", "密码", "验证码")),
    "bingtuan": ("659001", "19880101", "Bingtuan2026", ("姓名", "证件号码", "密码")),
    "chongqing": ("500103", "20000202", "chongqing2026", ("证件号码", "密码")),
}


def latest_code():
    body = OutboxMessage.select().where(OutboxMessage.recipient == PHONE).order_by(OutboxMessage.id.desc()).get().body
    return re.search(r"验证码是 (\d{6})", body).group(1)


def fill(page, answers):
    """Fill a wizard step by field name, as a person would with the mouse and keyboard."""
    for name, value in answers.items():
        field = page.locator(f"[name='{name}']")
        if not field.count() or value in ("", None):
            continue
        kind = field.first.evaluate("e => e.tagName + ':' + (e.type || '')")
        if kind.startswith("SELECT"):
            field.select_option(value)
        elif kind.endswith(":radio"):
            page.locator(f"[name='{name}'][value='{value}']").check()
        elif field.first.is_visible():
            field.fill(value)


def register_and_submit(app, live_server, page, captcha):
    """Register with the SMS code, sign in the profile's way, walk its wizard and submit; `captcha(page)`
    reads the captcha the page shows. Returns the ID number."""
    province = app.extensions["profile"].key
    region, birth, password, sign_in_fields = JOURNEYS[province]
    id_number = resident_id(region, birth, 124)
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(f"{live_server}/portal/register")
    page.get_by_label("姓名").fill("王影")
    page.get_by_label("证件号码").fill(id_number)
    if province == "jilin":
        page.get_by_label("用户名").fill("wangying")
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_label("图形验证码").fill(captcha(page))  # a code is sent only once the captcha is solved
    page.get_by_role("button", name="获取验证码").click()  # everything above is checked before a code is sent
    expect(page.get_by_text("验证码已发送，5 分钟内有效")).to_be_visible()
    expect(page.get_by_label("证件号码")).to_have_value(id_number)  # kept across the code request
    page.get_by_label("短信验证码").fill(latest_code())
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_label("确认密码").fill(password)
    screenshot(page, f"portal-register-{province}", 375)
    page.get_by_role("button", name="注册").click()
    if app.extensions["profile"].sign_in_after_registration:  # 003 §1.2: straight into the form
        expect(page.get_by_text("注册成功，请填写信息采集表")).to_be_visible()
        page.goto(f"{live_server}/portal/")
    else:
        expect(page.get_by_text("注册成功，请登录后进行信息采集")).to_be_visible()
        values = {"证件号码": id_number, "用户名": "wangying", "姓名": "王影", "密码": password}
        for label in sign_in_fields:
            page.get_by_label(label, exact=True).fill(captcha(page) if label == "验证码" else values[label])
        screenshot(page, f"portal-login-{province}", 375)
        page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="王影，您好")).to_be_visible()
    expect(page.get_by_text(id_number[:6] + "********" + id_number[-4:])).to_be_visible()
    screenshot(page, f"portal-home-{province}", 1280)

    with app.app_context():
        load_dictionaries()
        if app.extensions["profile"].entry_filing:
            entry_filed(Accountant.get(Accountant.id_number == id_number))  # the bureau confirmed it
    unit_region, born, graduated, started, bureau, own_scans = WIZARD[province]
    with app.app_context():
        answers = answers_for(unit_region, born, graduated, started, routing_answer(province, unit_region, bureau))
    photo, scan = noisy_jpeg(295, 413, 60, 100), noisy_jpeg(900, 650, 65, 145)
    page.get_by_role("link", name=re.compile("(开始|继续填写)信息采集")).click()
    for key in app.extensions["profile"].sections:
        if key in ("attachments", "preview"):
            continue
        # fill() looks fields up without waiting: first be sure the step's page is the one shown
        expect(page.locator(".progress [aria-current=step]")).to_have_attribute("href", f"/portal/collection/{key}")
        fill(page, answers[key])
        if key == "personal" and app.extensions["profile"].name_editable:  # 000 §5, 002 §六: before submitting
            page.get_by_label("姓名", exact=True).fill("王莹")
        if key == "personal" and app.extensions["profile"].email_verification:
            verify_email(page, answers[key]["email"])
        if key == "post":
            add_unit(page, scan)
        page.get_by_role(
            "button", name="我已阅读，下一步" if key in ("notice", "preparation") else "保存并下一步"
        ).click()
    expect(page.get_by_role("heading", name="附件上传")).to_be_visible()
    scans = {"photo": photo, "scan": scan}
    for slot in ("photo", "id_front", "id_back", "diploma", "degree", *own_scans):
        label = SLOTS[slot]
        with app.app_context():
            content = scan_for(Collection.get(), slot, scans)  # the letter as the system printed it
        item = page.locator("li.upload", has_text=label)
        item.locator(f"#file-{slot}").set_input_files(
            files=[{"name": f"{label}.jpg", "mimeType": "image/jpeg", "buffer": content}]
        )
        item.get_by_role("button", name="上传").click()
        expect(page.get_by_text(f"{label}已上传")).to_be_visible()
    if province == "chongqing":
        item = page.locator("li.upload", has_text=SLOTS["publication_proof"])
        item.locator("#file-publication_proof").set_input_files(
            files=[{"name": "论文.jpg", "mimeType": "image/jpeg", "buffer": scan}]
        )
        item.get_by_role("button", name="上传").click()
        expect(page.get_by_text(f"{SLOTS['publication_proof']}已上传")).to_be_visible()
    page.get_by_role("link", name="下一步：预览确认").click()
    expect(page.get_by_text(bureau).first).to_be_visible()
    name = "王莹" if app.extensions["profile"].name_editable else "王影"
    expect(page.locator("dt:text-is('姓名') + dd")).to_have_text(name)
    page.get_by_label("本人承诺所填信息和上传材料真实、准确、完整").check()
    screenshot(page, f"wizard-preview-{province}", 375)
    screenshot(page, f"wizard-preview-{province}", 1280)
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_text("提交成功！请等待审核，勿重复提交")).to_be_visible()
    expect(page.locator("#collection-state")).to_have_text("待审核")
    return id_number


def replace_diploma_and_resubmit(page, base, reason):
    """The applicant answers a return that named the diploma: a new scan, then the promise and 提交审核."""
    page.goto(f"{base}/portal/collection/attachments")
    item = page.locator("li.upload", has_text="全日制学历证书")
    expect(item).to_contain_text(f"退回原因：{reason}")
    item.locator("input[type=file]").set_input_files(
        files=[{"name": "毕业证.jpg", "mimeType": "image/jpeg", "buffer": noisy_jpeg(900, 650, 65, 145)}]
    )
    item.get_by_role("button", name="重新上传").click()
    expect(page.get_by_text("全日制学历证书已上传")).to_be_visible()
    page.goto(f"{base}/portal/collection/preview")
    page.get_by_label("本人承诺所填信息和上传材料真实、准确、完整").check()
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_text("提交成功！请等待审核，勿重复提交")).to_be_visible()
