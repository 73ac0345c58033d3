"""Background jobs through the real queue: a consumer in this process (threads) or a `flask worker` process
killed mid-import; the job's page and its JSON progress as the admin sees them; one import at a time; the
large export kept for its asker; the rules and their notices; the relay asked after a message is written."""

import io
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from console import ROOT, tasks
from console.archive import daily_rules
from console.errors import RuleViolation
from console.infra import jobs, notifier
from console.infra.dictionaries import load_dictionaries
from console.infra.messages import sms
from models import AuditEntry, Job, LegacyRecord, OutboxMessage, RuleRun, db
from tests.factories import submitted
from tests.helpers import csrf_token, make_account, resident_id, session_for

pytestmark = pytest.mark.committing  # the worker's threads and processes must see the rows
LEGACY_HEADER = "姓名,证件类型,证件号码,性别,出生日期,手机号码,单位统一社会信用代码,单位名称,学历,专业技术资格,原证书编号,开始从事会计工作时间"


@pytest.fixture
def app_overrides():
    return {"JOBS_IMMEDIATE": False}


def consumer_for(app):
    """A consumer in threads of this process, polling often; the test's signal handlers left as they were."""
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer = app.extensions["huey"].create_consumer(
        workers=2, worker_type="thread", periodic=False, initial_delay=0.05, backoff=1, max_delay=0.1
    )
    consumer.start()
    for signum, handler in handlers.items():
        signal.signal(signum, handler)
    return consumer


@pytest.fixture
def worker(app):
    consumer = consumer_for(app)
    yield consumer
    consumer.stop(graceful=True)


@pytest.fixture
def admin(app):
    with app.app_context(), db.connection_context():
        load_dictionaries()
    account = make_account(app, "province_admin", "admin", display_name="省管理员")
    return account, session_for(app, account)


def legacy_csv(rows):
    lines = [LEGACY_HEADER]
    for n in range(rows):
        birth = (date(1980, 1, 1) + timedelta(days=n // 900)).strftime("%Y%m%d")
        number = resident_id("150105", birth, 100 + n % 900)
        lines.append(f"旧{n},居民身份证,{number},,,{13800000000 + n},,,本科,,,")
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def upload(client, rows, name="原数据.csv"):
    token = csrf_token(client, "/console/legacy_import/")
    return client.post(
        "/console/legacy_import/",
        data={"csrf_token": token, "file": (io.BytesIO(legacy_csv(rows)), name)},
        content_type="multipart/form-data",
    )


def job_id(response):
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def status(client, job):
    response = client.get(f"/console/jobs/{job}.json")
    assert response.status_code == 200
    return response.get_json()


def wait_for(client, job, states=("done", "failed"), seconds=60, until=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        seen = status(client, job)
        if seen["state"] in states and (until is None or until(seen)):
            return seen
        time.sleep(0.05)
    raise AssertionError(f"job {job} did not reach {states}: {seen}")


def test_an_import_is_queued_at_once_and_the_worker_imports_it(app, admin, worker):
    account, client = admin
    job = job_id(upload(client, 300))
    seen = wait_for(client, job)
    assert seen["state"] == "done" and seen["done"] == 300 and seen["total"] == 300
    page = client.get(f"/console/jobs/{job}").get_data(as_text=True)
    assert "原会计人员数据导入" in page and "已完成" in page and "新增 300 条" in page and "省管理员" in page
    with app.app_context():
        assert LegacyRecord.select().count() == 300
        assert AuditEntry.get(AuditEntry.action == "legacy.import").actor_id == account.id
    listed = client.get("/console/legacy_import/").get_data(as_text=True)
    assert "原数据.csv" in listed and "新增 300 条" in listed
    assert not list(Path(app.config["STORAGE_DIR"]).rglob("*.csv"))  # the upload is gone once imported


@jobs.kind("test_count", "测试计数")
def count_slowly(params, progress, actor):
    progress.begin("计数", params["to"])
    for _ in range(params["to"]):
        time.sleep(params["pause"])
        progress.advance()
    return {"counts": {"计数": params["to"]}}


FAILURES = []


@jobs.kind("test_crash_once", "测试出错")
def crash_once(params, progress, actor):
    if not FAILURES:
        FAILURES.append(1)
        raise KeyError("boom")
    return {"counts": {"完成": 1}}


@jobs.kind("test_refuse", "测试拒绝")
def refuse(params, progress, actor):
    raise RuleViolation("文件中没有数据行")


def started(app, kind, params, account):
    with app.test_request_context(), db.connection_context():
        return jobs.start(kind, params, account).id


def test_the_progress_shows_rows_done_of_total_the_time_and_an_estimate(app, admin, worker):
    account, client = admin
    job = started(app, "test_count", {"to": 30, "pause": 0.1}, account)
    midway = wait_for(client, job, ("running",), until=lambda s: 0 < s["done"] < s["total"])
    assert midway["total"] == 30 and midway["stage"] == "计数" and midway["left"] > 0 and midway["elapsed"] >= 0
    page = client.get(f"/console/jobs/{job}").get_data(as_text=True)  # a reload shows the same job, running
    assert "运行中" in page and 'id="job-progress"' in page and "/static/jobs.js" in page
    done = wait_for(client, job)
    assert done["state"] == "done" and done["done"] == 30 and done["left"] is None
    assert "计数 30 条" in client.get(f"/console/jobs/{job}").get_data(as_text=True)
    listed = client.get("/console/jobs/").get_data(as_text=True)
    assert "测试计数" in listed and "30 / 30" in listed


def test_a_job_is_its_starters_and_the_province_admins(app, admin):
    account, client = admin
    with app.app_context():
        mine = make_account(app, "reviewer", "reviewer")
        other = make_account(app, "reviewer", "other")
    job = started(app, "test_count", {"to": 1, "pause": 0}, mine)
    assert session_for(app, mine).get(f"/console/jobs/{job}.json").status_code == 200
    assert session_for(app, other).get(f"/console/jobs/{job}.json").status_code == 404
    assert session_for(app, other).get(f"/console/jobs/{job}").status_code == 404
    assert client.get(f"/console/jobs/{job}").status_code == 200  # the province admin sees every job
    assert "后台任务" not in session_for(app, mine).get("/console/").get_data(as_text=True)  # not in a reviewer's menu
    assert status(client, job)["state"] == "queued"  # no worker yet: it waits, and says so


def test_a_crashed_job_fails_with_nothing_written_and_can_be_started_again(app, admin, worker):
    account, client = admin
    FAILURES.clear()
    job = started(app, "test_crash_once", {}, account)
    assert wait_for(client, job)["state"] == "failed"
    page = client.get(f"/console/jobs/{job}").get_data(as_text=True)
    assert jobs.CRASHED in page and "重新开始" in page
    again = client.post(f"/console/jobs/{job}/rerun", data={"csrf_token": csrf_token(client, f"/console/jobs/{job}")})
    second = job_id(again)
    assert second != job and wait_for(client, second)["state"] == "done"
    with app.app_context():
        assert AuditEntry.get(AuditEntry.action == "job.rerun").target_id == str(second)


def test_a_refusal_fails_with_its_reason_and_offers_no_restart(app, admin, worker):
    account, client = admin
    job = started(app, "test_refuse", {}, account)
    assert wait_for(client, job)["error"] == "文件中没有数据行"
    page = client.get(f"/console/jobs/{job}").get_data(as_text=True)
    assert "文件中没有数据行" in page and "重新开始" not in page
    refused = client.post(
        f"/console/jobs/{job}/rerun",
        data={"csrf_token": csrf_token(client, f"/console/jobs/{job}")},
        follow_redirects=True,
    )
    assert "只有中断或出错的任务可以重新开始" in refused.get_data(as_text=True)


def test_the_same_import_twice_at_once_runs_once(app, admin):
    account, client = admin
    first = job_id(upload(client, 3))  # no worker: the first stays queued
    second = upload(client, 3)
    assert second.status_code == 422 and "已有原会计人员数据导入任务正在进行，请等它完成后再开始" in second.get_data(
        as_text=True
    )
    with app.app_context():
        assert [j.id for j in Job.select()] == [first]
    assert len(list(Path(app.config["STORAGE_DIR"]).rglob("*.csv"))) == 1  # the refused upload is not kept


def test_of_many_starts_at_once_one_job_is_written(app, admin):
    account, _ = admin
    outcomes = []

    def start():
        try:
            outcomes.append(started(app, "legacy_import", {"file": "x", "filename": "x.csv"}, account))
        except RuleViolation:
            outcomes.append(None)

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len([o for o in outcomes if o]) == 1 and outcomes.count(None) == 7


def worker_process(app):
    env = {
        **os.environ,
        "DATABASE_URL": app.config["DATABASE_URL"],
        "JOBS_DB": app.config["JOBS_DB"],
        "STORAGE_DIR": app.config["STORAGE_DIR"],
        "SECRET_KEY": "test-secret",
        "PROVINCE": app.config["PROVINCE"],
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "console", "worker", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_worker_killed_mid_import_leaves_nothing_and_the_job_restarts(app, admin, monkeypatch):
    account, client = admin
    monkeypatch.setattr(jobs, "STALE", timedelta(seconds=3))
    process = worker_process(app)
    try:
        job = job_id(upload(client, 60_000))
        wait_for(client, job, ("running",), seconds=120, until=lambda s: s["stage"] == "写入")
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    with app.app_context():
        assert LegacyRecord.select().count() == 0  # all or nothing
    failed = wait_for(client, job, ("failed",), seconds=10)
    assert failed["error"] == jobs.INTERRUPTED
    page = client.get(f"/console/jobs/{job}").get_data(as_text=True)
    again = job_id(
        client.post(f"/console/jobs/{job}/rerun", data={"csrf_token": csrf_token(client, f"/console/jobs/{job}")})
    )
    assert "重新开始" in page
    consumer = consumer_for(app)
    try:
        assert wait_for(client, again, seconds=120)["state"] == "done"
    finally:
        consumer.stop(graceful=True)
    with app.app_context():
        assert LegacyRecord.select().count() == 60_000


def test_a_large_export_is_made_by_the_worker_and_kept_for_its_asker(app, scans, worker):
    with app.test_request_context(), db.connection_context():
        for n, name in enumerate(("王甲", "王乙", "王丙")):
            submitted(app, scans, name=name, serial=130 + n, phone=f"1391234560{n}")
    reviewer = make_account(app, "province_admin", "asker")
    other = make_account(app, "province_admin", "colleague")
    app.config["EXPORT_INLINE_ROWS"] = 2
    client = session_for(app, reviewer)
    asked = client.get("/console/review/export.csv")
    assert asked.status_code == 200 and "将在后台生成 CSV 文件" in asked.get_data(as_text=True)
    token = csrf_token(client, "/console/review/export.csv")
    job = job_id(client.post("/console/review/export.csv", data={"csrf_token": token}))
    assert wait_for(client, job)["state"] == "done"
    page = client.get(f"/console/jobs/{job}").get_data(as_text=True)
    assert "共 3 行" in page and "下载 审核列表" in page
    file = client.get(f"/console/jobs/{job}/file")
    assert file.status_code == 200 and "filename*=UTF-8''" in file.headers["Content-Disposition"]
    body = file.get_data().decode("utf-8-sig")
    file.close()
    assert body.count("\n") == 4 and "王丙" in body and "13912345602" not in body  # phones stay masked
    assert session_for(app, other).get(f"/console/jobs/{job}/file").status_code == 404  # only its asker's
    with app.app_context():
        assert AuditEntry.select().where(AuditEntry.action == "collection.export_download").count() == 1
        finished = Job.get_by_id(job).finished_at
        Job.update(finished_at=finished - tasks.EXPORT_KEPT - timedelta(minutes=1)).execute()
    assert client.get(f"/console/jobs/{job}/file").status_code == 404  # a day on, it is gone
    assert "文件已超过保留期限" in client.get(f"/console/jobs/{job}").get_data(as_text=True)


def test_a_message_written_is_relayed_by_the_worker_without_waiting_for_the_minute(app, worker):
    with app.test_request_context(), db.connection_context():
        message = notifier.send_sms("13800000001", sms(app.extensions["profile"], "collection_approved"))
    deadline = time.monotonic() + 10
    with app.app_context():
        while OutboxMessage.get_by_id(message.id).delivered_at is None:
            assert time.monotonic() < deadline, "the relay was not run"
            time.sleep(0.1)
        held = OutboxMessage.get_by_id(message.id)
    assert held.template == "collection_approved" and held.template_params == "{}"


def test_the_yearly_rules_are_previewed_on_the_profiles_day_once(app, admin, monkeypatch):
    account, client = admin
    monkeypatch.setattr("console.infra.clock.today", lambda: date(2026, 3, 1))
    with app.app_context(), db.connection_context():
        assert tasks.preview_yearly_rules() is not None
        assert tasks.preview_yearly_rules() is None  # one under way already
        monkeypatch.setattr("console.infra.clock.today", lambda: date(2026, 3, 2))
        assert tasks.preview_yearly_rules() is None
        job = Job.get(Job.kind == "rules_preview")
        assert jobs.params(job) == {"year": 2026} and job.started_by is None


REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.mark.parametrize(
    "app_overrides", [{"JOBS_IMMEDIATE": False, "REDIS_URL": REDIS_URL, "JOBS_QUEUE": f"test-{os.getpid()}"}]
)
def test_through_redis_when_redis_url_is_set(app, admin):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    account, client = admin
    assert type(app.extensions["huey"]).__name__ == "RedisHuey"
    consumer = consumer_for(app)
    try:
        job = started(app, "test_count", {"to": 10, "pause": 0.3}, account)
        assert wait_for(client, job, ("running",), until=lambda s: s["done"] > 0)["total"] == 10  # progress in Redis
        assert wait_for(client, job)["state"] == "done"
    finally:
        consumer.stop(graceful=True)
        app.extensions["huey"].storage.flush_all()


def test_the_rules_run_as_jobs_and_tell_the_moved_by_sms(app, admin, worker):
    account, client = admin
    with app.app_context():
        profile = app.extensions["profile"]
    assert profile.yearly_rules
    token = csrf_token(client, "/console/rules/")
    job = job_id(client.post("/console/rules/run", data={"csrf_token": token, "year": "2025"}))
    assert wait_for(client, job)["state"] == "done"
    with app.app_context():
        preview = RuleRun.get(RuleRun.dry_run)
        assert daily_rules.confirmable(preview)
    applied = job_id(client.post(f"/console/rules/{preview.id}/apply", data={"csrf_token": token}))
    assert wait_for(client, applied)["state"] == "done"
    with app.app_context():
        run = RuleRun.get(~RuleRun.dry_run)
    assert f"/console/rules/{run.id}" in client.get(f"/console/jobs/{applied}").get_data(as_text=True)
