"""An admin writes a notice in the console, previews and publishes it, and a person on a phone (375 px) finds it
on the sign-in page and reads it at its own address."""

from playwright.sync_api import expect

from tests.e2e.conftest import console_sign_in, screenshot
from tests.helpers import CAPTCHA_TEXT, PASSWORD, make_account

TITLE = "关于开展 2027 年度会计人员信息采集的通知"


def test_an_admin_publishes_a_notice_and_a_phone_reads_it(app, live_server, page):
    make_account(app, "province_admin", "admin", display_name="测试人员")
    console_sign_in(page, live_server, "admin", PASSWORD, CAPTCHA_TEXT)

    page.goto(f"{live_server}/console/notice/new/")
    page.locator("#kind").select_option("notice")
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("正文").fill("## 采集时间\n\n请于 **3 月 31 日前** 完成。\n\n<script>alert('x')</script>")
    page.locator("input[type=submit][value='保存']").click()
    expect(page.locator("#content-preview strong")).to_have_text("3 月 31 日前")
    expect(page.locator("#content-preview")).to_contain_text("<script>alert('x')</script>")  # shown as text
    screenshot(page, "console-notice", 1280)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_text(f"已发布“{TITLE}”")).to_be_visible()

    phone = page.context.browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 800}).new_page()
    phone.goto(f"{live_server}/portal/login")
    notices = phone.locator("#latest-notices")
    expect(notices.get_by_role("link", name=TITLE)).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375  # nothing overflows the phone
    screenshot(phone, "portal-login-notices", 375)
    notices.get_by_role("link", name=TITLE).click()
    expect(phone.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(phone.get_by_role("heading", name="采集时间")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone, "portal-notice", 375)
    phone.goto(f"{live_server}/notices/")
    expect(phone.get_by_role("link", name=TITLE)).to_be_visible()
    phone.context.close()
