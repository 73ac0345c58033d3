"""Someone of the old certificate database signs in the first time with Inner Mongolia's initial
password, must set their own, and finds the wizard prefilled with what the old database held."""

import io

from playwright.sync_api import expect

from console.imports import legacy
from console.infra.dictionaries import load_dictionaries
from models import Account, db
from tests.e2e.conftest import screenshot
from tests.factories import unit_code
from tests.helpers import CAPTCHA_TEXT, resident_id, sms_code_to

HEADER = ",".join(legacy.HEADER)


def test_first_sign_in_with_the_initial_password_opens_a_prefilled_wizard(app, live_server, page):
    id_number = resident_id("150105", "19900512", 135)
    row = [
        "孙旧",
        "居民身份证",
        id_number,
        "男",
        "1990-05-12",
        "13800000135",
        unit_code("150105"),
        "示范单位",
        "本科",
        "初级",
        "150100123456",
        "2012-07-01",
    ]
    with app.test_request_context(), db.connection_context():
        load_dictionaries()
        legacy.import_file("原数据.csv", io.BytesIO(f"{HEADER}\n{','.join(row)}\n".encode()), None)

    page.goto(f"{live_server}/portal/login")
    page.get_by_label("证件号码").fill(id_number)
    page.get_by_label("密码").fill("nmg*123#")
    page.get_by_label("验证码").fill(CAPTCHA_TEXT)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("短信验证码已发送至 138****0135")).to_be_visible()  # the old record's phone
    page.get_by_label("短信验证码").fill(sms_code_to("13800000135"))
    page.get_by_role("button", name="验证并登录").click()
    expect(page.get_by_text("首次登录或密码已重置，请先设置新密码")).to_be_visible()
    page.get_by_label("原密码").fill("nmg*123#")
    page.get_by_label("新密码", exact=True).fill("Grassland#2026")
    page.get_by_label("确认新密码").fill("Grassland#2026")
    page.get_by_role("button", name="保存新密码").click()
    expect(page.get_by_text("密码已修改")).to_be_visible()

    page.get_by_role("link", name="开始信息采集").click()
    page.get_by_role("button", name="我已阅读，下一步").click()
    page.get_by_label("同意", exact=True).check()
    page.get_by_role("button", name="保存并下一步").click()
    expect(page.get_by_role("heading", name="个人信息")).to_be_visible()
    expect(page.get_by_label("姓名")).to_have_value("孙旧")  # 002 §六: correctable before the first submission
    page.goto(f"{live_server}/portal/collection/post")
    expect(page.get_by_label("统一社会信用代码")).to_have_value(unit_code("150105"))
    expect(page.get_by_label("开始从事会计工作时间")).to_have_value("2012-07-01")
    page.goto(f"{live_server}/portal/collection/education")
    expect(page.get_by_label("全日制最高学历", exact=True)).to_have_value("本科")
    page.goto(f"{live_server}/portal/collection/qualification")
    expect(page.get_by_label("最高专业技术资格级别")).to_have_value("初级")
    screenshot(page, "legacy-prefilled", 1280)
    with app.app_context(), db.connection_context():
        assert not Account.get().must_change_password
