"""An admin signs in, edits a bureau's phone, and the public directory shows the new number."""

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.helpers import CAPTCHA_TEXT, PASSWORD, make_account

NEW_PASSWORD = "Grassland#2026"


def test_admin_edits_a_phone_and_the_directory_shows_it(app, live_server, page):
    make_account(app, "province_admin", "admin", must_change=True)

    page.goto(f"{live_server}/console/login")
    screenshot(page, "console-login", 375)
    page.get_by_label("账号").fill("admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_label("验证码").fill(CAPTCHA_TEXT)
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
    page.get_by_label("原密码").fill(PASSWORD)
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("确认新密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="保存新密码").click()
    expect(page.get_by_text("密码已修改")).to_be_visible()

    page.goto(f"{live_server}/console/authority/?search=赛罕")
    row = page.locator("tr", has_text="赛罕区财政局")
    row.locator("a[href*='/edit/']").click()
    page.locator("#phones").fill("0471-6945678；0471-6945679")
    page.locator("input[type=submit][value='保存']").click()
    expect(page.get_by_text("保存记录成功")).to_be_visible()
    screenshot(page, "console-authorities", 1280)

    page.goto(f"{live_server}/directory")
    entry = page.locator(".directory-entry", has_text="赛罕区财政局")
    expect(entry.get_by_role("link", name="0471-6945678")).to_have_attribute("href", "tel:0471-6945678")
    expect(entry.get_by_role("link", name="0471-6945679")).to_be_visible()
    screenshot(page, "directory", 375)
    screenshot(page, "directory", 1280)

    page.get_by_placeholder("输入名称查找").fill("赛罕")
    page.get_by_role("button", name="查找").click()
    expect(page.locator(".directory-entry")).to_have_count(1)
