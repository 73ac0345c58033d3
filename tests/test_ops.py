"""The operations endpoints: the balancer's probes, Prometheus' metrics (in one process and in several), and the
one log line each request writes, which never holds what the URL or the form carried."""

import json
import logging
import os
import re
import subprocess
import sys
import threading
import time

import pytest
from peewee import OperationalError
from prometheus_client.parser import text_string_to_metric_families

from console import ROOT
from console.infra import clock, storage
from models import Account, Authority, Job, OutboxMessage, db
from tests.factories import submitted
from tests.helpers import PASSWORD, csrf_token, make_account, post_form, session_for
from views import ops

ID_NUMBER, PHONE = "150105199003070124", "13912345678"
ELSEWHERE = {"REMOTE_ADDR": "10.0.0.9"}  # the balancer or any other machine


def sample(body, name, **labels):
    """The value of the sample `name` having `labels` in a /metrics body; None when there is none."""
    for family in text_string_to_metric_families(body):
        for found in family.samples:
            if found.name == name and labels.items() <= found.labels.items():
                return found.value
    return None


def scrape(client):
    response = client.get("/metrics")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def database_gone(monkeypatch, message="could not connect to server: password=secret"):
    def gone(*args, **kwargs):
        raise OperationalError(message)

    monkeypatch.setattr(type(db.obj), "execute_sql", gone)


def test_healthz_answers_without_asking_anything(client, monkeypatch):
    database_gone(monkeypatch)
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_readyz_is_ready_when_every_part_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready", "checks": {"database": "ok", "storage": "ok", "queue": "ok"}}


def test_readyz_names_the_database_when_it_is_gone_and_tells_nothing_more(client, monkeypatch):
    database_gone(monkeypatch)
    response = client.get("/readyz")
    body = response.get_data(as_text=True)
    assert response.status_code == 503 and response.get_json()["failed"] == ["database"]
    assert response.get_json()["checks"] == {"database": "error: OperationalError", "storage": "ok", "queue": "ok"}
    assert "secret" not in body and "Traceback" not in body


def test_readyz_names_the_queue_when_its_storage_fails(app, client, monkeypatch):
    def unreachable():
        raise ConnectionError("Error 111 connecting to redis://:secret@10.0.0.5:6379")

    monkeypatch.setattr(app.extensions["huey"].storage, "queue_size", unreachable)
    response = client.get("/readyz")
    body = response.get_data(as_text=True)
    answer = response.get_json()
    assert response.status_code == 503 and answer["status"] == "unavailable" and answer["failed"] == ["queue"]
    assert answer["checks"]["queue"] == "error: ConnectionError"
    assert "secret" not in body and "10.0.0.5" not in body and "Traceback" not in body


def test_a_part_that_hangs_fails_readyz_in_bounded_time(client, monkeypatch):
    released = threading.Event()
    monkeypatch.setattr(ops, "CHECK_TIMEOUT", 0.2)
    monkeypatch.setattr(storage, "exists", lambda name: released.wait(5))
    started = time.monotonic()
    response = client.get("/readyz")
    released.set()
    assert time.monotonic() - started < 2
    assert response.status_code == 503 and response.get_json()["checks"]["storage"] == "error: timeout"


def test_the_probes_answer_while_the_database_refuses_connections(app, client, monkeypatch):
    """They are answered before the hook that lends every request a connection (ops.init_app comes before
    database.init_app), so a database that is down fails readyz with a 503 naming it, never a 500."""

    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(type(db.obj), "connect", refused)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get("/portal/login").status_code == 500  # every other page needs the connection
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["failed"] == ["database"]
    assert client.get("/metrics").status_code == 200


@pytest.mark.parametrize(
    "app_overrides", [{"SESSION_COOKIE_SECURE": True, "RATELIMIT_ENABLED": True, "RATELIMIT_DEFAULT": "2 per minute"}]
)
def test_the_probes_are_neither_redirected_nor_rate_limited(client):
    for _ in range(4):
        for path in ("/healthz", "/readyz", "/metrics"):
            response = client.get(path)
            assert response.status_code == 200 and "Location" not in response.headers
            assert "Set-Cookie" not in response.headers
    assert [client.get("/directory").status_code for _ in range(3)] == [200, 200, 429]  # the limit is on


def test_metrics_are_refused_from_elsewhere_without_the_token(client):
    assert client.get("/metrics", environ_base=ELSEWHERE).status_code == 404
    assert client.get("/metrics", environ_base=ELSEWHERE, headers={"Authorization": "Bearer "}).status_code == 404


def test_metrics_through_a_proxy_on_this_machine_are_refused(client):
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 404


@pytest.mark.parametrize("app_overrides", [{"METRICS_TOKEN": "s3cret-token"}])
def test_metrics_are_served_elsewhere_with_the_token_only(client):
    assert client.get("/metrics", environ_base=ELSEWHERE, headers={"Authorization": "Bearer wrong"}).status_code == 404
    token = {"Authorization": "Bearer s3cret-token"}
    assert client.get("/metrics", environ_base=ELSEWHERE, headers=token).status_code == 200


def test_request_latency_is_counted_by_endpoint_not_by_path(client):
    client.get("/healthz")
    client.get("/files/987654")
    body = scrape(client)
    assert sample(body, "flask_http_request_duration_seconds_count", endpoint="ops.healthz", status="200") == 1
    assert sample(body, "flask_http_request_duration_seconds_count", endpoint="files.original", status="302") == 1
    assert "987654" not in body  # the attachment's id, in its path
    assert sample(body, "flask_http_request_duration_seconds_count", endpoint="ops.metrics") is None


def test_submissions_and_decisions_are_counted_by_action(app, scans):
    scraper = app.test_client()
    before = scrape(scraper)
    with app.test_request_context(), db.connection_context():
        waiting = submitted(app, scans)
    with app.app_context():
        bureau = Authority.get(Authority.code == "150203")
    reviewer = session_for(app, make_account(app, "reviewer", "李审核", authority=bureau))
    post_form(reviewer, f"/console/review/{waiting.id}/approve", {}, f"/console/review/{waiting.id}")
    after = scrape(scraper)
    for action in ("collection.submit", "collection.approve"):
        counted = sample(after, "accountants_events_total", action=action) - (
            sample(before, "accountants_events_total", action=action) or 0
        )
        assert counted == 1, action


def test_the_gauges_are_read_at_each_scrape(app, client):
    now = clock.now()
    message = {"channel": "sms", "recipient": PHONE, "body": "通知", "backend": "outbox", "created_at": now}
    for _ in range(2):
        OutboxMessage.create(**message)
    OutboxMessage.create(**message, delivered_at=now)
    OutboxMessage.create(**message, cancelled_at=now)
    OutboxMessage.create(**message, failed_at=now)
    Job.create(kind="review_export", created_at=now, state="running")
    Job.create(kind="review_export", created_at=now, state="done")
    for _ in range(3):
        app.extensions["huey"].storage.enqueue(b"task")
    body = scrape(client)
    assert sample(body, "accountants_outbox_pending") == 2 and sample(body, "accountants_outbox_failed") == 1
    assert sample(body, "accountants_jobs_running") == 1 and sample(body, "accountants_queue_depth") == 3
    Job.update(state="done").execute()
    assert sample(scrape(client), "accountants_jobs_running") == 0


# A worker as gunicorn starts one: PROMETHEUS_MULTIPROC_DIR is in its environment before prometheus_client is
# imported, which is when it chooses per-process files (set later in this process, it would change nothing).
WORKER = """
import json, sys
from console import create_app, migrations
from console.infra import audit
from models import db

app = create_app(json.loads(sys.argv[1]))
migrations.upgrade()
with app.test_request_context(), db.connection_context():
    audit.record("collection.approve", system=True)
client = app.test_client()
client.get("/healthz")
print(client.get("/metrics").get_data(as_text=True))
"""


def test_under_several_processes_a_scrape_adds_up_every_workers_counts_and_reads_the_gauges(tmp_path):
    folder = tmp_path / "prometheus"
    folder.mkdir()
    config = {
        "TESTING": True,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'workers.db'}",
        "SECRET_KEY": "test-secret",
        "STORAGE_DIR": str(tmp_path / "storage"),
        "SESSION_COOKIE_SECURE": False,
        "RATELIMIT_ENABLED": False,
        "JOBS_IMMEDIATE": True,
        "JOBS_DB": str(tmp_path / "jobs.db"),
    }
    environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    for _ in range(2):  # two workers, one after the other; the second one's scrape
        command = [sys.executable, "-c", WORKER, json.dumps(config)]
        worker = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True)
        assert worker.returncode == 0, worker.stderr
    body = worker.stdout
    assert len(list(folder.glob("*.db"))) >= 2  # each worker's own files
    assert sample(body, "flask_http_request_duration_seconds_count", endpoint="ops.healthz") == 2
    assert sample(body, "accountants_events_total", action="collection.approve") == 2
    assert sample(body, "accountants_outbox_pending") == 0 and sample(body, "accountants_queue_depth") == 0


def request_lines(caplog):
    return [json.loads(record.getMessage()) for record in caplog.records if record.name == "accountants.request"]


def test_each_request_writes_one_line_and_echoes_its_id(client, caplog):
    caplog.set_level(logging.INFO, logger="accountants.request")
    sent = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a-0001"})
    refused = client.get("/portal/login", headers={"X-Request-ID": "not sane; " + "x" * 70})
    with client.get("/static/site.css"):  # static files are not logged
        pass
    lines = request_lines(caplog)
    assert len(lines) == 2
    assert sent.headers["X-Request-ID"] == lines[0]["request_id"] == "lb-7f3a-0001"
    assert re.fullmatch(r"[0-9a-f]{32}", refused.headers["X-Request-ID"])
    assert lines[1]["request_id"] == refused.headers["X-Request-ID"]
    assert set(lines[0]) == {"request_id", "method", "endpoint", "status", "duration_ms", "account_id"}
    assert lines[0]["method"] == "GET" and lines[0]["endpoint"] == "ops.healthz" and lines[0]["status"] == 200
    assert lines[1]["endpoint"] == "portal.login" and lines[1]["account_id"] is None
    assert isinstance(lines[1]["duration_ms"], float)


def test_a_signed_in_request_is_logged_with_the_account_id_and_nothing_it_carried(app, reviewer_client, caplog):
    caplog.set_level(logging.INFO)  # every logger's lines, to look for what must not be in any
    caplog.set_level(logging.INFO, logger="accountants.request")
    reviewer_client.get(f"/console/review/?q={ID_NUMBER}")
    with app.app_context():
        reviewer = Account.get(Account.username == "reviewer")
    [line] = request_lines(caplog)
    assert line["endpoint"] == "review.index" and line["account_id"] == reviewer.id
    assert ID_NUMBER not in caplog.text and "q=" not in caplog.text and "reviewer" not in caplog.text


def test_a_request_the_database_failed_is_logged_all_the_same(app, monkeypatch, caplog):
    client = session_for(app, make_account(app, "reviewer", "reviewer"))
    app.config["PROPAGATE_EXCEPTIONS"] = False
    database_gone(monkeypatch)
    caplog.set_level(logging.INFO, logger="accountants.request")
    assert client.get("/console/review/").status_code == 500
    [line] = request_lines(caplog)
    assert line["status"] == 500 and line["account_id"] is None  # the account could not be read


def test_a_sign_in_form_leaves_neither_its_phone_nor_its_password_in_the_log(client, caplog):
    token = csrf_token(client, "/portal/login")
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.INFO, logger="accountants.request")
    client.post(
        "/portal/login",
        data={"csrf_token": token, "id_number": ID_NUMBER, "phone": PHONE, "password": PASSWORD, "captcha": "TEST"},
    )
    [line] = request_lines(caplog)
    assert line["endpoint"] == "portal.login" and line["method"] == "POST" and line["status"] == 200
    for secret in (ID_NUMBER, PHONE, PASSWORD):
        assert secret not in caplog.text
