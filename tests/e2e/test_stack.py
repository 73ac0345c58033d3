"""The whole stack on loopback, as a province runs it: gunicorn with 4 workers on PostgreSQL, Redis for the jobs
and the limits, SeaweedFS for the scans, and a job worker, each started here on a free port and stopped by its
own process id. One journey through it in Chromium (register, submit with scans, return, resubmit, approve, the
SMS relayed, an import followed to its end), and one person's requests spread over the workers, which agree.

It runs once, in the SQLite pass: the stack has its own PostgreSQL database whatever DATABASE_URL says."""

import hashlib
import hmac
import itertools
import os
import re
import shutil
import time

import pytest
import requests

from console import create_app
from console.infra import captcha as captchas
from models import Captcha, Collection, Job, LegacyRecord, OutboxMessage, ReasonTemplate, db
from tests.e2e.conftest import wait_until
from tests.seaweed import (
    BUCKET,
    seaweed,  # noqa: F401  (the session's SeaweedFS, asked for by name below)
)
from tools import stack as stacks

WORKERS = 4
pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="the stack runs on its own PostgreSQL database, in the SQLite pass"
)


@pytest.fixture(scope="module")
def stack(tmp_path_factory, request):
    if not stacks.can_run() or not shutil.which("chromium"):
        pytest.skip("the stack needs PostgreSQL and Redis answering, and chromium")
    folder = tmp_path_factory.mktemp("stack")
    storage = {**request.getfixturevalue("seaweed"), "STORAGE_URL": f"s3://{BUCKET}/stack-{os.getpid()}"}
    running = stacks.start(folder, storage)
    previous = db.obj
    try:
        for username, role, authority in (
            ("reviewer", "reviewer", "150203"),
            ("admin", "province_admin", "15"),
            ("spread", "province_admin", "15"),
        ):
            running.create_user(username, role, authority)
        stacks.serve(running, WORKERS)
        # this process reads and writes the stack's database as its tests need (SMS codes, captchas)
        running.app = create_app({k: running.env[k] for k in ("DATABASE_URL", "SECRET_KEY", "REDIS_URL", "JOBS_QUEUE")})
        yield running
    finally:
        running.stop()
        db.initialize(previous)


def solve(stack):
    """The newest captcha's answer, found from its HMAC with the stack's secret (the answer is never kept)."""
    with stack.app.app_context():
        digest = Captcha.select().order_by(Captcha.id.desc()).get().digest
    base = hmac.new(stack.secret.encode(), digestmod=hashlib.sha256)
    for letters in itertools.product(captchas.ALPHABET, repeat=captchas.LENGTH):
        guess = "".join(letters)
        candidate = base.copy()
        candidate.update(guess.encode())
        if candidate.hexdigest() == digest:
            return guess
    raise AssertionError("no answer matches the captcha")


def on_page(stack):
    """What a person reads off the captcha the page shows, once its image has loaded."""

    def read(page):
        wait_until(page, "document.getElementById('captcha-image').naturalWidth > 0")
        return solve(stack)

    return read


def csrf(response):
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.text).group(1)


def console_session(stack, username, password):
    """A signed-in console session over plain HTTP, each request on a new connection (so on any worker)."""
    http = requests.Session()
    http.headers["Connection"] = "close"
    page = http.get(f"{stack.url}/console/login")
    http.get(f"{stack.url}/captcha.png")
    answer = solve(stack)
    data = {"csrf_token": csrf(page), "username": username, "password": password, "captcha": answer}
    signed = http.post(f"{stack.url}/console/login", data=data)
    assert signed.status_code == 200 and "/console/" in signed.url, signed.text[:500]
    return http


def sign_in(page, stack, username):
    """The console sign-in in the browser; a first one sets the account's own password."""
    page.goto(f"{stack.url}/console/login")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(stack.passwords[username])
    page.get_by_label("验证码").fill(on_page(stack)(page))
    page.get_by_role("button", name="登录").click()
    page.get_by_label("原密码").fill(stack.passwords[username])
    stack.passwords[username] = f"{username.title()}#Stack2026"
    page.get_by_label("新密码", exact=True).fill(stack.passwords[username])
    page.get_by_label("确认新密码").fill(stack.passwords[username])
    page.get_by_role("button", name="保存新密码").click()


def workers_serving(stack):
    return set(re.findall(r"pid=<?(\d+)", stack.access_log.read_text()))


def test_a_journey_through_the_stack(stack, browser):
    from playwright.sync_api import expect

    from console.infra.dictionaries import load_reason_templates
    from tests.e2e.journeys import PHONE, register_and_submit, replace_diploma_and_resubmit
    from tests.test_jobs import legacy_csv

    with stack.app.app_context():
        load_reason_templates()
        diploma = ReasonTemplate.get(ReasonTemplate.target == "diploma")
    portal = browser.new_context(locale="zh-CN").new_page()
    register_and_submit(stack.app, stack.url, portal, on_page(stack))
    name = "王莹" if stack.app.extensions["profile"].name_editable else "王影"  # 002 §六: corrected before submitting

    console = browser.new_context(locale="zh-CN").new_page()
    sign_in(console, stack, "reviewer")
    console.goto(f"{stack.url}/console/review/")
    console.locator("tr", has_text=name).get_by_role("link", name=name).click()
    scan = console.request.get(stack.url + console.locator(".viewer-thumb img").first.get_attribute("src"))
    assert scan.ok and scan.headers["content-type"] == "image/jpeg"  # from SeaweedFS, through the checking route
    expect(console.locator("[data-pane=main] figcaption")).to_contain_text("1 /")  # the viewer script has run
    console.keyboard.press("r")
    console.get_by_label(diploma.text).check()
    console.locator("#return-submit").click()
    expect(console.get_by_text("已退回，已短信通知申请人")).to_be_visible()

    replace_diploma_and_resubmit(portal, stack.url, diploma.text)

    console.goto(f"{stack.url}/console/review/")
    console.locator("tr", has_text=name).get_by_role("link", name=name).click()
    console.get_by_role("button", name="审核通过").click()
    expect(console.locator("#undo-bar")).to_contain_text(f"已审核通过 {name}")
    with stack.app.app_context():
        assert Collection.get().status == "approved"
    deadline = time.monotonic() + 40  # the undo's ten seconds, then the worker's relay
    while True:
        with stack.app.app_context():
            notices = list(OutboxMessage.select().where(OutboxMessage.recipient == PHONE))
        approved = [m for m in notices if "审核通过" in m.body]
        if approved and approved[0].delivered_at:
            break
        assert time.monotonic() < deadline, [(m.body, m.delivered_at, m.last_error) for m in notices]
        time.sleep(0.5)
    assert all(m.delivered_at for m in notices)  # the code and the return's notice went out too, once each

    admin = browser.new_context(locale="zh-CN").new_page()
    sign_in(admin, stack, "admin")
    admin.goto(f"{stack.url}/console/legacy_import/")
    admin.get_by_label("文件（CSV 或 XLSX）").set_input_files(
        files=[{"name": "原数据.csv", "mimeType": "text/csv", "buffer": legacy_csv(2000)}]
    )
    admin.get_by_role("button", name="导入").click()
    expect(admin.locator("#job-result")).to_contain_text("新增 2000 条", timeout=60_000)
    with stack.app.app_context():
        assert LegacyRecord.select().count() == 2000 and Job.get().state == "done"


def test_one_persons_requests_over_the_workers_agree(stack):
    http = console_session(stack, "spread", stack.passwords["spread"])  # issued by one worker, checked by another
    changed = http.get(f"{stack.url}/console/password")
    new = "Spread#Workers2026"
    form = {"csrf_token": csrf(changed), "current": stack.passwords["spread"], "new": new, "confirm": new}
    assert "密码已修改" in http.post(f"{stack.url}/console/password", data=form).text
    pages = [http.get(f"{stack.url}/console/review/") for _ in range(24)]
    assert all(p.status_code == 200 and "信息采集审核" in p.text for p in pages)  # the session holds everywhere
    assert len(workers_serving(stack)) >= 2, "the requests did not spread over the workers"

    other = console_session(stack, "spread", new)  # a second browser of the same person
    logout = other.get(f"{stack.url}/console/")
    other.post(f"{stack.url}/console/logout", data={"csrf_token": csrf(logout)})
    after = [other.get(f"{stack.url}/console/review/", allow_redirects=False) for _ in range(8)]
    assert all(r.status_code == 302 for r in after)  # ended on the server: no worker takes the cookie back
    assert http.get(f"{stack.url}/console/review/").status_code == 200  # the first browser's stays open

    images = [requests.get(f"{stack.url}/captcha.png", headers={"Connection": "close"}) for _ in range(24)]
    statuses = [r.status_code for r in images]
    served = statuses.count(200)  # 20 a minute per address, counted once in Redis whichever worker answers
    assert 0 < served <= 20 and statuses == [200] * served + [429] * (len(images) - served)
