"""In each province, a new accountant registers with the SMS code and signs in the way that province signs in."""
import re

import pytest
from playwright.sync_api import expect

from models import OutboxMessage
from tests.conftest import CAPTCHA_TEXT, resident_id
from tests.e2e.conftest import screenshot

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


@pytest.mark.parametrize("province", list(JOURNEYS))
def test_register_and_sign_in(province, live_server, page):
    region, birth, password, sign_in_fields = JOURNEYS[province]
    id_number = resident_id(region, birth, 124)
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(f"{live_server}/portal/register")
    page.get_by_label("姓名").fill("王影")
    page.get_by_label("证件号码").fill(id_number)
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_text("验证码已发送，5 分钟内有效")).to_be_visible()
    expect(page.get_by_label("证件号码")).to_have_value(id_number)  # kept across the code request
    page.get_by_label("短信验证码").fill(latest_code())
    if province == "jilin":
        page.get_by_label("用户名").fill("wangying")
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_label("确认密码").fill(password)
    screenshot(page, f"portal-register-{province}", 375)
    page.get_by_role("button", name="注册").click()
    expect(page.get_by_text("注册成功，请登录后进行信息采集")).to_be_visible()

    values = {"证件号码": id_number, "用户名": "wangying", "姓名": "王影", "密码": password, "验证码": CAPTCHA_TEXT}
    for label in sign_in_fields:
        page.get_by_label(label, exact=True).fill(values[label])
    screenshot(page, f"portal-login-{province}", 375)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="王影，您好")).to_be_visible()
    expect(page.get_by_text(id_number[:6] + "********" + id_number[-4:])).to_be_visible()
    screenshot(page, f"portal-home-{province}", 1280)
