"""An Inner Mongolia accountant signs in, fills every step of the wizard, uploads the scans and submits."""

from datetime import date

from playwright.sync_api import expect
from stdnum.cn import uscc

from console.infra.dictionaries import load_dictionaries
from console.people.passwords import hash_password
from models import Account, Collection
from tests.e2e.conftest import add_unit, screenshot, verify_email
from tests.factories import entry_filed, scan_for
from tests.helpers import CAPTCHA_TEXT, PASSWORD, make_accountant, resident_id
from tests.images import noisy_jpeg

UNIT = "91150203MA0000001" + uscc.calc_check_digit("91150203MA0000001")
SCANS = {
    "photo": "1 寸免冠白底证件照",
    "id_front": "身份证头像面",
    "id_back": "身份证国徽面",
    "diploma": "全日制学历证书",
    "degree": "全日制学位证书",
    "letter": "从事会计工作证明函",
}


def next_step(page):
    page.get_by_role("button", name="保存并下一步").click()


def upload(page, slot, content):
    item = page.locator("li.upload", has_text=SCANS[slot])
    item.locator(f"#file-{slot}").set_input_files(
        files=[{"name": f"{SCANS[slot]}.jpg", "mimeType": "image/jpeg", "buffer": content}]
    )
    item.get_by_role("button", name="上传").click()


def test_wizard_to_pending_review(app, live_server, page):
    id_number = resident_id("150105", "19900307", 124)
    with app.test_request_context():
        load_dictionaries()
        person = make_accountant(name="王影", id_number=id_number, phone="13912345678")
        entry_filed(person)
        Account.create(
            password_hash=hash_password(PASSWORD), role="accountant", accountant=person, created_at=date.today()
        )
    photo, scan = noisy_jpeg(295, 413, 60, 100), noisy_jpeg(900, 650, 65, 145)

    page.goto(f"{live_server}/portal/login")
    page.get_by_label("证件号码").fill(id_number)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_label("验证码").fill(CAPTCHA_TEXT)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="开始信息采集").click()

    expect(page.get_by_role("heading", name="信息采集准备")).to_be_visible()
    page.get_by_role("button", name="我已阅读，下一步").click()
    page.get_by_label("同意", exact=True).check()
    next_step(page)

    expect(page.get_by_role("heading", name="个人信息")).to_be_visible()
    page.get_by_label("民族").select_option("汉族")
    page.get_by_label("国家（地区）").select_option("中国")
    page.get_by_label("政治面貌").select_option("群众")
    verify_email(page, "wang@example.cn")
    next_step(page)

    expect(page.get_by_role("heading", name="单位与岗位")).to_be_visible()
    page.locator("input[name=has_unit][value='0']").check()
    expect(page.get_by_label("学校名称")).to_be_visible()
    expect(page.get_by_label("统一社会信用代码")).to_be_hidden()
    page.locator("input[name=has_unit][value='1']").check()
    expect(page.get_by_label("学校名称")).to_be_hidden()
    page.get_by_label("统一社会信用代码").fill(UNIT)
    page.locator("input[name=on_duty][value='1']").check()
    page.get_by_label("现从事会计工作岗位").select_option("出纳")
    page.get_by_label("会计专业技术职务", exact=True).select_option("无职务")
    page.get_by_label("开始从事会计工作时间").fill("2012-06-01")
    add_unit(page, scan, "包头示范有限公司", "昆都仑区钢铁大街 1 号")
    screenshot(page, "wizard-post", 375)
    screenshot(page, "wizard-post", 1280)
    next_step(page)

    expect(page.get_by_role("heading", name="学历学位")).to_be_visible()
    page.get_by_label("全日制最高学历", exact=True).select_option("本科")
    page.get_by_label("全日制最高学位", exact=True).select_option("学士")
    page.get_by_label("全日制所学专业", exact=True).fill("会计学")
    page.get_by_label("全日制毕业院校", exact=True).fill("内蒙古财经大学")
    page.get_by_label("全日制毕业时间", exact=True).fill("2012-07-01")
    next_step(page)

    expect(page.get_by_role("heading", name="专业技术资格")).to_be_visible()
    page.get_by_label("最高专业技术资格级别").select_option("无")
    next_step(page)

    expect(page.get_by_role("heading", name="附件上传")).to_be_visible()
    upload(page, "letter", scan)  # a scan that is no letter the system printed
    expect(page.locator("li.upload.has-error")).to_contain_text("未能识别证明函上的二维码")
    printed = {}
    for slot, label in SCANS.items():
        with app.app_context():
            printed[slot] = scan_for(Collection.get(), slot, {"photo": photo, "scan": scan})
        upload(page, slot, printed[slot])
        expect(page.get_by_text(f"{label}已上传")).to_be_visible()
    screenshot(page, "wizard-attachments", 375)
    page.get_by_role("link", name="下一步：预览确认").click()

    expect(page.get_by_role("heading", name="预览确认")).to_be_visible()
    preview = page.locator("main")
    expect(preview).to_contain_text("还有 1 项需要完成")  # the work start before graduation
    page.get_by_role("link", name="单位与岗位").first.click()
    page.get_by_label("开始从事会计工作时间").fill("2012-08-01")
    next_step(page)
    page.goto(f"{live_server}/portal/collection/attachments")
    upload(page, "letter", printed["letter"])  # the letter printed before the change: returned with the difference
    expect(page.locator("li.upload.has-error")).to_contain_text(
        "证明函开始从事会计工作日期与填写的开始从事会计工作日期不一致"
    )
    with app.app_context():
        upload(page, "letter", scan_for(Collection.get(), "letter", {}))  # printed again
    expect(page.get_by_text(f"{SCANS['letter']}已上传")).to_be_visible()
    page.goto(f"{live_server}/portal/collection/preview")
    expect(page.get_by_text("昆都仑区财政局")).to_be_visible()
    screenshot(page, "wizard-preview", 1280)
    page.get_by_label("本人承诺所填信息和上传材料真实、准确、完整").check()
    page.get_by_role("button", name="提交审核").click()

    expect(page.get_by_text("提交成功！请等待审核，勿重复提交")).to_be_visible()
    expect(page.locator("#collection-state")).to_have_text("待审核")
    screenshot(page, "portal-submitted", 375)
