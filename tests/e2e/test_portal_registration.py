"""In each province, a new accountant registers with the SMS code, signs in the way that province signs in,
walks that province's wizard sections and submits: the collection is 待审核 at the bureau of the unit."""

import pytest
from playwright.sync_api import expect

from console.infra.dictionaries import load_dictionaries
from tests.e2e.conftest import screenshot
from tests.e2e.journeys import JOURNEYS, PHONE, latest_code, register_and_submit
from tests.helpers import CAPTCHA_TEXT


@pytest.mark.parametrize("province", list(JOURNEYS))
def test_register_sign_in_and_submit(province, app, live_server, page):
    register_and_submit(app, live_server, page, lambda page: CAPTCHA_TEXT)


@pytest.mark.parametrize("province", ["chongqing"])
def test_a_passport_holder_types_gender_and_birth_date(province, app, live_server, page):
    with app.app_context():
        load_dictionaries()
    page.goto(f"{live_server}/portal/register")
    page.get_by_label("姓名").fill("Anna Müller")
    page.get_by_label("证件类型").select_option("护照")
    page.get_by_label("证件号码").fill("C12345678")
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_label("图形验证码").fill(CAPTCHA_TEXT)  # a code is sent only once the captcha is solved
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_text("验证码已发送，5 分钟内有效")).to_be_visible()
    page.get_by_label("短信验证码").fill(latest_code())
    page.get_by_label("密码", exact=True).fill("chongqing2026")
    page.get_by_label("确认密码").fill("chongqing2026")
    page.get_by_role("button", name="注册").click()
    expect(page.get_by_text("注册成功，请填写信息采集表")).to_be_visible()
    page.goto(f"{live_server}/portal/collection/personal")

    page.get_by_label("性别").select_option("女")
    page.get_by_label("出生日期").fill("2031-05-01")  # a slip of the keyboard
    page.get_by_role("button", name="保存并下一步").click()
    expect(page.locator(".has-error", has_text="出生日期")).to_contain_text("出生日期不能晚于今天")
    expect(page.get_by_label("性别")).to_have_value("female")  # the rest kept
    page.get_by_label("出生日期").fill("1991-05-01")
    page.get_by_label("民族").select_option("其他")
    page.get_by_label("国家（地区）").select_option("其他国家或地区")
    page.get_by_label("政治面貌").select_option("群众")
    page.get_by_role("button", name="保存并下一步").click()
    expect(page.get_by_role("heading", name="学历学位")).to_be_visible()
    page.goto(f"{live_server}/portal/collection/preview")
    expect(page.locator("dt:text-is('证件类型') + dd")).to_have_text("护照")
    expect(page.locator("dt:text-is('性别') + dd")).to_have_text("女")
    expect(page.locator("dt:text-is('出生日期') + dd")).to_have_text("1991-05-01")
    screenshot(page, "wizard-preview-passport", 375)
