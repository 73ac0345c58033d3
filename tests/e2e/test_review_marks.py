"""A reviewer returns by pointing at what is wrong: 有误 at a field offers that field's reasons first, 有误 at a
scan takes a typed note, and one 确认退回 sends both, on a desk's screen and on a phone's."""

import pytest
from playwright.sync_api import expect

from console.infra.dictionaries import load_reason_templates
from models import Authority, Collection, ReasonTemplate, ReturnReason, db
from tests.e2e.conftest import screenshot
from tests.e2e.test_review_journey import sign_in_console
from tests.factories import submitted
from tests.helpers import make_account


@pytest.mark.parametrize("width", [1280, 375])
def test_marking_a_field_and_a_scan_returns_both(app, live_server, page, scans, width):
    with app.test_request_context(), db.connection_context():
        load_reason_templates()
        waiting = submitted(app, scans)
        school = ReasonTemplate.get(ReasonTemplate.target == "full_time_school")
    make_account(app, "reviewer", "lishenhe", authority=Authority.get(Authority.code == "150203"))
    sign_in_console(page, live_server, "lishenhe")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server}/console/review/{waiting.id}")

    page.locator('[data-mark="education|full_time_school"] .mark-open').click()
    popover = page.locator("#mark-popover")
    expect(popover).to_contain_text("全日制毕业院校 有误")
    expect(popover.locator(".mark-templates label").first).to_have_text(school.text)  # that field's own first
    popover.get_by_label(school.text).check()
    popover.get_by_role("button", name="标记").click()
    expect(page.locator("#return-tray")).to_contain_text("已标记 1 条退回原因")
    expect(page.locator('[data-mark="education|full_time_school"]')).to_have_class("fact marked")

    page.locator(".viewer-thumb", has_text="全日制学历证书").click()
    page.locator("[data-pane=main]").get_by_title("标记此件有误").click()
    expect(popover).to_contain_text("全日制学历证书 有误")
    popover.get_by_label("针对此项的说明").fill("证书反光看不清，请重新拍摄")
    popover.get_by_role("button", name="标记").click()
    expect(page.locator("#return-tray")).to_contain_text("已标记 2 条退回原因")
    screenshot(page, "review-marked", width)

    page.locator("#return-tray").get_by_role("button", name="确认退回").click()
    expect(page.get_by_text("已退回，已短信通知申请人")).to_be_visible()
    with app.app_context(), db.connection_context():
        assert Collection.get_by_id(waiting.id).status == "returned"
        assert {(r.section, r.target, r.text) for r in ReturnReason.select()} == {
            ("education", "full_time_school", school.text),
            ("attachments", "diploma", "证书反光看不清，请重新拍摄"),
        }
