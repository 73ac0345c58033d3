"""Limits that hold when requests arrive at once: each burst is fired by threads against a real server (the
app on a loopback port), and the limit is read back from the database."""

import re
import threading

import pytest
import requests

from models import Account, AuditEntry, OutboxMessage, VerificationCode
from tests.helpers import CAPTCHA_TEXT, PASSWORD, login, make_account
from tests.test_portal import APPLICANT, a_minute_later, get_code, register

pytestmark = pytest.mark.committing


def burst(n, prepare, fire):
    """n browsers: each prepares (its session, its form) one by one, then all fire at the same moment."""
    sessions = [prepare(requests.Session()) for _ in range(n)]
    start, answers = threading.Barrier(n), [None] * n

    def run(i):
        start.wait()
        answers[i] = fire(*sessions[i]).text

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def form_token(session, url):
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', session.get(url).text).group(1)


def test_thirty_wrong_passwords_at_once_check_five_and_lock_the_account(app, live_server):
    make_account(app, "reviewer", "reviewer")
    url = f"{live_server}/console/login"

    def prepare(session):
        token = form_token(session, url)
        session.get(f"{live_server}/captcha.png")
        return session, token

    def fire(session, token):
        data = {"csrf_token": token, "username": "reviewer", "password": "wrong", "captcha": CAPTCHA_TEXT}
        return session.post(url, data=data)

    answers = burst(30, prepare, fire)
    checked = AuditEntry.select().where(AuditEntry.action.in_(("login.failure", "login.locked"))).count()
    assert checked == 5
    assert Account.get(Account.username == "reviewer").locked_until is not None
    assert sum("账号已锁定至" in a for a in answers) == 26  # the fifth locked it, the other 25 were refused unchecked
    assert all("账号或密码错误" in a or "账号已锁定至" in a for a in answers)


def test_forty_code_guesses_at_once_compare_five(app, client, live_server, monkeypatch):
    register(client)
    phone = APPLICANT["phone"]
    a_minute_later(monkeypatch)
    get_code(client, "/portal/reset", phone)
    url = f"{live_server}/portal/reset"

    guesses = iter(range(40))  # none is the code: a code never starts with five zeros and a guess

    def prepare(session):
        return session, form_token(session, url), next(guesses)

    def fire(session, token, guess):
        data = {"csrf_token": token, "phone": phone, "sms_code": guess}
        return session.post(url, data={**data, "password": "New#Grass2026", "confirm": "New#Grass2026"})

    answers = burst(40, prepare, fire)
    assert sum("验证码错误" in a for a in answers) == 5
    assert (
        VerificationCode.get(VerificationCode.recipient == phone, VerificationCode.purpose == "reset_password").attempts
        == 5
    )


def test_ten_sends_at_once_to_one_phone_send_one_code(app, live_server):
    url = f"{live_server}/portal/register"
    phone = "13987654321"

    def prepare(session):
        token = form_token(session, url)
        session.get(f"{live_server}/captcha.png")
        return session, token

    def fire(session, token):
        data = {"csrf_token": token, **APPLICANT, "phone": phone, "captcha": CAPTCHA_TEXT, "send_code": "1"}
        return session.post(url, data=data)

    answers = burst(10, prepare, fire)
    assert OutboxMessage.select().where(OutboxMessage.recipient == phone).count() == 1
    assert sum("验证码已发送，5 分钟内有效" in a for a in answers) == 1
    assert sum("秒后再获取" in a for a in answers) == 9


def test_the_password_of_a_locked_account_is_not_checked(app, client):
    make_account(app, "reviewer", "reviewer")
    for _ in range(5):
        login(client, "reviewer", password="wrong")
    before = AuditEntry.select().count()
    assert "账号已锁定至" in login(client, "reviewer", password=PASSWORD).get_data(as_text=True)
    assert [e.action for e in AuditEntry.select().where(AuditEntry.id > before)] == ["login.refused"]
