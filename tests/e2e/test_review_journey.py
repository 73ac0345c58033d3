"""A reviewer claims a submission, compares the diploma beside the data, returns it with two reasons;
the accountant fixes and resubmits; the reviewer sees the diff, approves, and the SMS is in the outbox."""

from playwright.sync_api import expect

from console.infra.dictionaries import load_dictionaries, load_reason_templates
from console.people.passwords import hash_password
from models import Account, Authority, Collection, OutboxMessage, ReasonTemplate, db
from tests.e2e.conftest import console_sign_in, screenshot, wait_until
from tests.e2e.journeys import replace_diploma_and_resubmit
from tests.factories import submitted
from tests.helpers import CAPTCHA_TEXT, PASSWORD, make_account


def sign_in_console(page, live_server, username):
    console_sign_in(page, live_server, username, PASSWORD, CAPTCHA_TEXT)
    expect(page.get_by_role("link", name="信息采集审核")).to_be_visible()


def test_return_fix_resubmit_approve(app, live_server, page, browser, scans):
    with app.test_request_context(), db.connection_context():
        load_dictionaries()
        load_reason_templates()
        waiting = submitted(app, scans)
        applicant = Account.get(Account.accountant == waiting.accountant_id)
        applicant.password_hash = hash_password(PASSWORD)
        applicant.save()
        school = ReasonTemplate.get(ReasonTemplate.target == "full_time_school")
        diploma = ReasonTemplate.get(ReasonTemplate.target == "diploma")
        id_number, phone = waiting.accountant.id_number, waiting.accountant.phone
    make_account(
        app, "reviewer", "lishenhe", authority=Authority.get(Authority.code == "150203"), display_name="李审核"
    )

    sign_in_console(page, live_server, "lishenhe")
    page.get_by_role("link", name="信息采集审核").click()
    row = page.locator("tr", has_text="王影")
    expect(row).to_contain_text("150105********" + id_number[-4:])
    row.get_by_role("link", name="王影").click()
    expect(page.get_by_text("尚未领取：审核通过或退回时自动领取")).to_be_visible()  # opening claims nothing
    page.get_by_role("button", name="领取").click()
    expect(page.get_by_text("已领取，30 分钟内有效")).to_be_visible()
    expect(page.locator("#section-personal")).to_contain_text("与证件号码一致")
    expect(page.locator("[data-pane=main] figcaption")).to_contain_text("1 / 6")  # the viewer script has run

    page.get_by_role("button", name="对照全日制学历证书").click()
    second = page.locator("[data-pane=second]")
    expect(second).to_be_visible()
    expect(second.locator("figcaption")).to_contain_text("全日制学历证书")
    wait_until(page, "[...document.querySelectorAll('.viewer-stage img')].every(i => i.naturalWidth > 0)")
    screenshot(page, "review-side-by-side", 1280)

    page.keyboard.press("r")
    page.get_by_label(school.text).check()
    page.get_by_label(diploma.text).check()
    page.locator("#return-submit").click()
    expect(page.get_by_text("已退回，已短信通知申请人")).to_be_visible()

    portal = browser.new_context(locale="zh-CN").new_page()
    portal.goto(f"{live_server}/portal/login")
    portal.get_by_label("证件号码").fill(id_number)
    portal.get_by_label("密码").fill(PASSWORD)
    portal.get_by_label("验证码").fill(CAPTCHA_TEXT)
    portal.get_by_role("button", name="登录").click()
    expect(portal.get_by_text(school.text)).to_be_visible()
    portal.goto(f"{live_server}/portal/collection/education")
    field = portal.locator(".field", has=portal.get_by_label("全日制毕业院校", exact=True))
    expect(field).to_contain_text(f"退回原因：{school.text}")
    portal.get_by_label("全日制毕业院校", exact=True).fill("内蒙古大学")
    portal.get_by_role("button", name="保存并下一步").click()
    replace_diploma_and_resubmit(portal, live_server, diploma.text)

    page.goto(f"{live_server}/console/review/")
    page.locator("tr", has_text="王影").get_by_role("link", name="王影").click()
    diff = page.locator(".review-diff")
    expect(diff).to_contain_text("全日制毕业院校")
    expect(diff).to_contain_text("内蒙古大学")
    expect(diff).to_contain_text("已更换")
    expect(page.locator("[data-pane=main] figcaption")).to_contain_text("1 / 6")
    screenshot(page, "review-diff", 1280)
    page.keyboard.press("a")  # at once, no confirmation: the next page offers the undo
    expect(page.locator("#undo-bar")).to_contain_text("已审核通过 王影")
    page.wait_for_load_state()  # the bar may show before review.js, at the page's end, listens for keys
    page.keyboard.press("u")
    expect(page.get_by_text("已撤销对 王影 的审核通过，本件仍由您领取")).to_be_visible()
    page.set_viewport_size({"width": 375, "height": 900})
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator("#undo-bar")).to_contain_text("秒内可撤销")
    screenshot(page, "review-undo", 375)
    expect(page.locator("#undo-bar")).to_have_count(0, timeout=12_000)  # gone once the undo has passed

    with app.app_context(), db.connection_context():
        notices = [m.body for m in OutboxMessage.select().where(OutboxMessage.recipient == phone)]
    assert any("已退回" in body for body in notices) and any("审核通过" in body for body in notices)


def test_bulk_approve_skips_the_flagged(app, live_server, page, scans):
    with app.test_request_context(), db.connection_context():
        load_dictionaries()
        clean = submitted(app, scans, "周一", 128, "13900000005")
        flagged = submitted(app, scans, "周二", 129, "13900000006")
        Collection.update(flags="photo_background").where(Collection.id == flagged.id).execute()
    make_account(
        app, "reviewer", "lishenhe", authority=Authority.get(Authority.code == "150203"), display_name="李审核"
    )
    sign_in_console(page, live_server, "lishenhe")
    page.goto(f"{live_server}/console/review/")
    expect(page.locator("tr", has_text="周二")).to_contain_text("照片非白底")
    screenshot(page, "review-queue", 375)  # a phone: each case a card, the unit's name on one line
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    unit = page.locator("tr", has_text="周一").locator("td.queue-unit")
    assert unit.bounding_box()["height"] < 2 * unit.bounding_box()["width"] / len("示范单位")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("选择 周一").check()
    page.get_by_label("选择 周二").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="批量审核通过").click()
    expect(page.get_by_text("已审核通过 1 件，跳过 1 件")).to_be_visible()
    expect(page.get_by_text("周二：有自动检查标记，请逐件审核")).to_be_visible()
    screenshot(page, "review-bulk", 1280)
    with app.app_context(), db.connection_context():
        assert {c.id: c.status for c in Collection.select()} == {clean.id: "approved", flagged.id: "submitted"}
