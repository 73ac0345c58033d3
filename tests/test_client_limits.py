"""Per-client limits (Flask-Limiter): sign-ins, captcha images and codes asked for, by address, and codes by
recipient; a code only with the captcha solved; in Redis, one limit across processes."""

import subprocess
import sys

import pytest
import redis

from console.extensions import limiter
from models import OutboxMessage
from tests.helpers import csrf_token
from tests.test_portal import APPLICANT, press_send

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def app_overrides():
    return {"RATELIMIT_ENABLED": True}


@pytest.fixture(autouse=True)
def fresh_counts(app):
    limiter.reset()
    yield
    limiter.reset()


def from_address(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def sign_in_post(client):
    token = csrf_token(client, "/console/login")
    return client.post("/console/login", data={"csrf_token": token, "username": "x", "password": "y", "captcha": "z"})


def test_the_eleventh_sign_in_in_a_minute_from_one_address_is_refused_in_chinese(client):
    assert all(sign_in_post(client).status_code == 200 for _ in range(10))
    refused = sign_in_post(client)
    assert refused.status_code == 429 and "操作过于频繁，请稍后再试" in refused.get_data(as_text=True)
    other = from_address(client.application, "10.0.0.2")
    assert sign_in_post(other).status_code == 200  # another address is not held back


def test_no_code_without_the_captcha(client):
    token = csrf_token(client, "/portal/register")
    page = client.post(
        "/portal/register", data={"csrf_token": token, **APPLICANT, "captcha": "", "send_code": "1"}
    ).get_data(as_text=True)
    assert "请先输入图形验证码，再获取短信验证码" in page and 'value="王影"' in page
    assert OutboxMessage.select().count() == 0


def test_one_client_asking_codes_for_thirty_phones_is_stopped_after_five(client):
    pages = [
        press_send(client, "/portal/register", **{**APPLICANT, "phone": f"139000000{n:02d}"}).get_data(as_text=True)
        for n in range(30)
    ]
    assert ["验证码已发送" in p for p in pages] == [True] * 5 + [False] * 25
    assert "获取验证码过于频繁，请稍后再试" in pages[5]  # and later its captcha images are refused too
    assert OutboxMessage.select().count() == 5


def test_one_phone_gets_five_codes_an_hour_from_any_address(app, monkeypatch):
    from tests.test_portal import a_minute_later

    sent = []
    for n in range(6):
        a_minute_later(monkeypatch)  # past the interval between two codes each time
        visitor = from_address(app, f"10.0.1.{n}")
        sent.append(press_send(visitor, "/portal/register", **APPLICANT).get_data(as_text=True))
    assert ["验证码已发送" in p for p in sent] == [True] * 5 + [False]
    assert "该号码获取验证码次数过多，请稍后再试" in sent[-1]


def test_the_twenty_first_captcha_image_in_a_minute_is_refused(client):
    assert [client.get("/captcha.png").status_code for _ in range(21)] == [200] * 20 + [429]


def _redis_answers():
    try:
        return redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        return False


ANOTHER_WORKER = """
import sys
from console import create_app
app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "test-secret", "RATELIMIT_STORAGE_URI": sys.argv[2],
                  "WTF_CSRF_ENABLED": False, "STORAGE_DIR": sys.argv[3]})
print(app.test_client().post("/console/login", data={"username": "x", "password": "y", "captcha": "z"}).status_code)
"""


@pytest.mark.skipif(not _redis_answers(), reason="Redis does not answer at " + REDIS_URL)
@pytest.mark.parametrize("app_overrides", [{"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": REDIS_URL}])
def test_with_redis_the_limit_holds_across_processes(app, client, database_url, tmp_path):
    assert all(sign_in_post(client).status_code == 200 for _ in range(10))
    worker = subprocess.run(
        [sys.executable, "-c", ANOTHER_WORKER, database_url, REDIS_URL, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert worker.stdout.strip().splitlines()[-1] == "429"  # the other process saw this one's ten
