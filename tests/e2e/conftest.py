"""Browser journeys: the app served on a loopback port in this process, driven by Debian's Chromium."""

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from models import OutboxMessage

OUTPUT = Path(os.environ.get("TEST_OUTPUT", Path(__file__).resolve().parents[2] / "test-output"))
WAIT_MS = 15_000  # a cold Chromium on a fresh CI machine is slow to its first paint
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    expect.set_options(timeout=WAIT_MS)
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT_MS)
    yield context.new_page()
    context.close()


def wait_until(page, expression):
    """Until the page's `expression` holds. Playwright's wait_for_function polls with eval inside the page, which
    the site's Content-Security-Policy refuses whenever the first check fails; page.evaluate is not the page's."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false: {expression}"
        page.wait_for_timeout(50)


def screenshot(page, name, width):
    """Save the page as it looks at `width` px under test-output/."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    path = OUTPUT / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def console_sign_in(page, live_server, username, password, captcha):
    page.goto(f"{live_server}/console/login")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_label("验证码").fill(captcha)
    page.get_by_role("button", name="登录").click()


def add_unit(page, scan, name="示范有限公司", address="示范路 1 号"):
    """On the unit step: 获取单位信息 finds nothing, so add the unit with its licence scan."""
    page.get_by_role("button", name="获取单位信息").click()
    expect(page.get_by_text("系统中还没有该单位")).to_be_visible()
    page.get_by_label("单位全称").fill(name)
    page.get_by_label("单位地址").fill(address)
    page.get_by_label("统一社会信用代码证书（营业执照、法人证书等）扫描件").set_input_files(
        files=[{"name": "营业执照.jpg", "mimeType": "image/jpeg", "buffer": scan}]
    )
    page.get_by_role("button", name="添加单位").click()
    expect(page.get_by_text(f"已获取单位信息：{name}")).to_be_visible()


def verify_email(page, address):
    """On the personal step of a profile that verifies e-mail: send the code, read it from the outbox, type it."""
    page.locator("[name=email]").fill(address)
    page.get_by_role("button", name="发送邮箱验证码").click()
    expect(page.get_by_text("验证码已发送到您的电子邮箱")).to_be_visible()
    body = OutboxMessage.select().where(OutboxMessage.recipient == address).order_by(OutboxMessage.id.desc()).get().body
    page.get_by_label("邮箱验证码").fill(re.search(r"验证码是 (\d{6})", body).group(1))
