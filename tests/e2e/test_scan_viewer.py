"""The scan viewer keeps a zoomed, turned or dragged scan inside its pane, with every part of it reachable, on a
desk's screen and on a phone's."""

import pytest
from playwright.sync_api import expect

from models import Authority, db
from tests.e2e.conftest import screenshot, wait_until
from tests.e2e.test_review_journey import sign_in_console
from tests.factories import submitted
from tests.helpers import make_account

BOXES = """() => {
  const pane = document.querySelector('[data-pane=main]');
  const box = e => { const r = e.getBoundingClientRect(); return {l: r.left, t: r.top, r: r.right, b: r.bottom}; };
  return {stage: box(pane.querySelector('.viewer-stage')), img: box(pane.querySelector('img')),
          pageWidth: document.documentElement.scrollWidth, window: window.innerWidth};
}"""


def boxes(page):
    return page.evaluate(BOXES)


def drag(page, dx, dy):
    stage = boxes(page)["stage"]
    x, y = (stage["l"] + stage["r"]) / 2, (stage["t"] + stage["b"]) / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y + dy, steps=4)
    page.mouse.up()


def assert_reaches_every_edge(page):
    """Dragged as far as it goes each way, the scan's edge meets the pane's edge, never passes it; along a side
    where the scan is smaller than the pane it stays centred inside."""
    for push, edges in ((3000, ("l", "t")), (-3000, ("r", "b"))):
        drag(page, push, push)
        at = boxes(page)
        img, stage = at["img"], at["stage"]
        for edge, (low, high) in zip(edges, (("l", "r"), ("t", "b"))):
            if img[high] - img[low] > stage[high] - stage[low]:
                assert abs(img[edge] - stage[edge]) < 1.5, (edge, at)
            else:
                assert abs((img[low] - stage[low]) - (stage[high] - img[high])) < 1.5, (edge, at)


@pytest.mark.parametrize("width", [1280, 375])
def test_zoom_pan_and_rotate_stay_inside_the_pane(app, live_server, page, scans, width):
    with app.test_request_context(), db.connection_context():
        waiting = submitted(app, scans)
    make_account(app, "reviewer", "lishenhe", authority=Authority.get(Authority.code == "150203"))
    sign_in_console(page, live_server, "lishenhe")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server}/console/review/{waiting.id}")
    main = page.locator("[data-pane=main]")
    main.get_by_title("下一张 (J)").click()
    expect(main.locator("figcaption")).to_contain_text("身份证头像面")
    wait_until(page, "document.querySelector('[data-pane=main] img').naturalWidth > 0")
    main.locator(".viewer-stage").scroll_into_view_if_needed()
    fitted = boxes(page)

    for _ in range(3):
        main.get_by_title("放大").click()
    zoomed = boxes(page)
    assert zoomed["pageWidth"] <= zoomed["window"]  # the page does not grow to hold the scan
    assert zoomed["img"]["r"] - zoomed["img"]["l"] > 1.9 * (fitted["img"]["r"] - fitted["img"]["l"])
    assert_reaches_every_edge(page)
    screenshot(page, "scan-viewer-zoomed", width)

    main.get_by_title("适应窗口").click()
    main.get_by_title("旋转").click()
    for _ in range(3):
        main.get_by_title("放大").click()
    turned = boxes(page)
    assert turned["pageWidth"] <= turned["window"]
    assert turned["img"]["b"] - turned["img"]["t"] > turned["img"]["r"] - turned["img"]["l"]  # now upright
    assert_reaches_every_edge(page)

    main.get_by_title("适应窗口").click()
    before = boxes(page)["img"]
    stage = boxes(page)["stage"]
    page.mouse.move((stage["l"] + stage["r"]) / 2, (stage["t"] + stage["b"]) / 2)
    page.mouse.wheel(0, -200)
    wait_until(
        page,
        f"document.querySelector('[data-pane=main] img').getBoundingClientRect().width > {before['r'] - before['l'] + 10}",
    )
    assert boxes(page)["pageWidth"] <= boxes(page)["window"]
