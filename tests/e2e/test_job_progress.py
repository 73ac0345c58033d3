"""A province admin uploads the old database's file and follows the import on its job's page: the bar and the
counts move while the page stays put, and the outcome appears once the worker is done."""

import re
import time

import pytest
from playwright.sync_api import expect

from console.infra import jobs
from console.infra.dictionaries import load_dictionaries
from models import db
from tests.e2e.conftest import console_sign_in, screenshot
from tests.helpers import CAPTCHA_TEXT, PASSWORD, make_account
from tests.test_jobs import consumer_for, legacy_csv


@pytest.fixture
def app_overrides():
    return {"JOBS_IMMEDIATE": False}


@pytest.fixture
def worker(app):
    consumer = consumer_for(app)
    yield consumer
    consumer.stop(graceful=True)


@jobs.kind("e2e_count", "测试计数")
def count_slowly(params, progress, actor):
    progress.begin("计数", params["to"])
    for _ in range(params["to"]):
        time.sleep(0.2)
        progress.advance()
    return {"counts": {"计数": params["to"]}}


def test_the_job_page_follows_the_job_without_reloading(app, live_server, page, worker, tmp_path):
    with app.app_context(), db.connection_context():
        load_dictionaries()
    admin = make_account(app, "province_admin", "admin", display_name="省管理员")
    console_sign_in(page, live_server, "admin", PASSWORD, CAPTCHA_TEXT)
    with app.test_request_context(), db.connection_context():
        job = jobs.start("e2e_count", {"to": 20}, admin)
    page.goto(f"{live_server}/console/jobs/{job.id}")
    page.evaluate("window.stayed = true")  # gone if the page reloads
    expect(page.locator("#job-count")).to_have_text(re.compile(r"^([1-9]|1[0-9]) / 20$"))
    assert page.evaluate("window.stayed === true")
    assert 0 < page.locator("#job-progress").evaluate("bar => bar.value") < 20
    expect(page.locator("#job-time")).to_contain_text("预计还需")
    screenshot(page, "job-progress", 1280)
    expect(page.locator("#job-result")).to_contain_text("计数 20 条")  # the page reloaded itself once done

    path = tmp_path / "原数据.csv"
    path.write_bytes(legacy_csv(5))
    page.goto(f"{live_server}/console/legacy_import/")
    page.get_by_label("文件（CSV 或 XLSX）").set_input_files(str(path))
    page.get_by_role("button", name="导入").click()
    expect(page.locator("#job-result")).to_contain_text("新增 5 条")
    page.goto(f"{live_server}/console/legacy_import/")
    expect(page.locator("#recent-imports")).to_contain_text("原数据.csv")
