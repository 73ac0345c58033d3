"""A city reviewer reads the backlog of the whole city, its counties' cases read only; a county reviewer ticks
every unflagged case at once and sorts the newest first; on a desk's screen and on a phone's."""

import pytest
from playwright.sync_api import expect

from models import Authority, Collection, db
from tests.e2e.conftest import screenshot
from tests.e2e.test_review_journey import sign_in_console
from tests.factories import submitted
from tests.helpers import make_account


@pytest.mark.parametrize("width", [1280, 375])
def test_a_citys_backlog_and_a_countys_bulk_selection(app, live_server, page, browser, scans, width):
    with app.test_request_context(), db.connection_context():
        first = submitted(app, scans)
        flagged = submitted(app, scans, name="赵标记", serial=311, phone="13912340311")
        Collection.update(flags="photo_rule").where(Collection.id == flagged.id).execute()
        submitted(app, scans, name="钱新近", serial=312, phone="13912340312")
    make_account(app, "reviewer", "baotou", authority=Authority.get(Authority.code == "1502"))
    make_account(app, "reviewer", "lishenhe", authority=Authority.get(Authority.code == "150203"))

    sign_in_console(page, live_server, "baotou")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server}/console/review/")
    page.get_by_label("会计管理机构").select_option(label="本机构及下级机构（只读）")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("h1")).to_contain_text("本机构及下级机构，下级机构的只能查看")
    row = page.locator("tr", has_text="王影")
    expect(row).to_contain_text("昆都仑区财政局")
    expect(page.locator("input[name=ids]")).to_have_count(0)
    screenshot(page, "queue-city-backlog", width)
    row.get_by_role("link", name="王影").click()
    expect(page.get_by_text("只能查看：审核由 昆都仑区财政局 办理")).to_be_visible()

    county = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    sign_in_console(county, live_server, "lishenhe")
    county.set_viewport_size({"width": width, "height": 900})
    county.goto(f"{live_server}/console/review/")
    county.get_by_label("全选无检查标记的").check()
    ticked = county.locator("input[name=ids]:checked")
    expect(ticked).to_have_count(2)
    expect(county.locator(f"input[name=ids][value='{flagged.id}']")).not_to_be_checked()
    county.locator("#sort-submitted").click()
    expect(county.locator("h1")).to_contain_text("最近提交的在前")
    expect(county.locator("tbody tr").first).to_contain_text("钱新近")
    expect(county.locator("tbody tr").last).to_contain_text(first.accountant.name)
