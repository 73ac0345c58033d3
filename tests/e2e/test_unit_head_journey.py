"""A unit's accounting head signs in, enters the year's appraisals for the whole unit and reports a
departure; then another accountant of the unit applies to head it, the bureau's reviewer confirms,
the new head reaches the console from the portal and the old head's account is switched off."""

from datetime import date

from playwright.sync_api import expect

from console.people.passwords import hash_password
from models import Account, Accountant, Appraisal, Filing, WorkPeriod, db
from tests.e2e.conftest import console_sign_in, screenshot
from tests.factories import on_duty_at, portal_account, unit_at
from tests.helpers import CAPTCHA_TEXT, PASSWORD, make_account


def test_head_appraises_reports_a_departure_and_is_replaced(app, live_server, page, browser, scans):
    reviewer = make_account(app, "reviewer", "lishenhe", display_name="李审核")
    with app.test_request_context(), db.connection_context():
        unit = unit_at(reviewer.authority, name="草原会计服务有限公司")
        people = {
            name: on_duty_at(unit, name, serial) for name, serial in (("张三", 401), ("李四", 402), ("王五", 403))
        }
        successor = portal_account(people["李四"])
        successor.password_hash = hash_password(PASSWORD)
        successor.save()
    old_head = make_account(app, "unit_head", "zhangsan", unit=unit, display_name="张三")
    year = date.today().year - 1

    console_sign_in(page, live_server, "zhangsan", PASSWORD, CAPTCHA_TEXT)
    page.locator("#admin-navbar-collapse").get_by_role("link", name="年度考评").click()
    expect(page.locator("h1")).to_contain_text(f"{year} 年度考评")
    page.get_by_label("张三的考评等次").select_option(label="优秀")
    page.get_by_label("张三·德").fill("坚持原则")
    page.get_by_label("李四的考评等次").select_option(label="合格")
    page.get_by_role("button", name="保存全部考评").click()
    expect(page.get_by_text("请为 王五 选择考评等次").first).to_be_visible()
    expect(page.get_by_label("张三·德")).to_have_value("坚持原则")  # what was typed is kept
    page.get_by_label("王五的考评等次").select_option(label="基本合格")
    page.get_by_role("button", name="保存全部考评").click()
    expect(page.get_by_text(f"已保存 {year} 年度考评 3 人")).to_be_visible()
    screenshot(page, "appraisal-grid", 1280)

    page.locator("#admin-navbar-collapse").get_by_role("link", name="本单位会计人员").click()
    page.locator("tr", has_text="王五").get_by_role("link", name="报告离岗").click()
    page.get_by_label("离岗日期").fill(f"{date.today().year}-03-31")
    page.get_by_role("button", name="确认离岗").click()
    expect(page.get_by_text(f"已报告 王五 于 {date.today().year}-03-31 离岗")).to_be_visible()
    expect(page.locator("tr", has_text="王五")).to_contain_text("不在岗")

    portal = browser.new_context(locale="zh-CN").new_page()
    portal.goto(f"{live_server}/portal/login")
    portal.get_by_label("证件号码").fill(people["李四"].id_number)
    portal.get_by_label("密码").fill(PASSWORD)
    portal.get_by_label("验证码").fill(CAPTCHA_TEXT)
    portal.get_by_role("button", name="登录").click()
    portal.get_by_role("link", name="申请成为本单位会计机构负责人").click()
    portal.get_by_label("单位会计机构负责人备案函").set_input_files(
        files=[{"name": "备案函.jpg", "mimeType": "image/jpeg", "buffer": scans["scan"]}]
    )
    portal.get_by_role("button", name="提交备案").click()
    expect(portal.get_by_text("已提交，请等待会计管理部门确认")).to_be_visible()

    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    console_sign_in(desk, live_server, "lishenhe", PASSWORD, CAPTCHA_TEXT)
    desk.get_by_role("link", name="备案审核").click()
    desk.locator("tr", has_text="李四").get_by_role("link", name="李四").click()
    expect(desk.locator("#current-head")).to_contain_text("张三")
    expect(desk.locator("[data-pane=main] figcaption")).to_contain_text("1 / 1")  # the letter is beside
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.get_by_role("button", name="确认备案").click()
    expect(desk.get_by_text("已确认 李四 的单位会计机构负责人备案")).to_be_visible()

    portal.goto(f"{live_server}/portal/")
    portal.get_by_role("link", name="进入单位管理控制台").click()
    expect(portal.locator("#unit-summary")).to_contain_text("在岗会计人员")  # the new head's console home
    portal.locator("#admin-navbar-collapse").get_by_role("link", name="本单位会计人员").click()
    expect(portal.locator("#unit-people")).to_contain_text("王五")

    with app.app_context(), db.connection_context():
        assert Appraisal.select().where(Appraisal.year == year).count() == 3
        assert not Accountant.get_by_id(people["王五"].id).on_duty
        assert WorkPeriod.get(WorkPeriod.accountant == people["王五"].id, WorkPeriod.on_duty).ended_on == date(
            date.today().year, 3, 31
        )
        assert Filing.get().status == "approved"
        assert not Account.get_by_id(old_head.id).is_enabled
        assert Account.get_by_id(successor.id).role == "unit_head"
