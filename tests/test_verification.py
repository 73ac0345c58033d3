"""SMS codes: 6 digits through the notifier, 5 minutes, one per 60 s, 5 wrong tries void the code."""

import re
from datetime import timedelta

import pytest

from console.errors import RuleViolation
from console.infra import clock
from console.people import verification
from models import OutboxMessage, VerificationCode

PHONE = "13912345678"


@pytest.fixture
def at(monkeypatch):
    start = clock.now()

    def move(seconds):
        monkeypatch.setattr(clock, "now", lambda: start + timedelta(seconds=seconds))

    move(0)
    return move


def sent_code():
    message = OutboxMessage.select().order_by(OutboxMessage.id.desc()).first()
    return re.search(r"验证码是 (\d{6})", message.body).group(1)


def test_code_goes_out_by_sms_and_only_its_hash_is_kept(ctx, at):
    verification.send_code(PHONE, "register")
    code = sent_code()
    message = OutboxMessage.get()
    assert message.channel == "sms" and message.recipient == PHONE and "注册验证码" in message.body
    assert code not in VerificationCode.get().code_hash
    verification.check_code(PHONE, "register", code)
    with pytest.raises(RuleViolation, match="验证码已失效"):
        verification.check_code(PHONE, "register", code)  # used up


def test_one_code_per_sixty_seconds(ctx, at):
    verification.send_code(PHONE, "register")
    at(59)
    with pytest.raises(RuleViolation, match="验证码已发送，请 1 秒后再获取"):
        verification.send_code(PHONE, "login")
    at(60)
    verification.send_code(PHONE, "login")
    assert OutboxMessage.select().count() == 2


def test_code_expires_after_five_minutes(ctx, at):
    verification.send_code(PHONE, "register")
    code = sent_code()
    at(5 * 60 + 1)
    with pytest.raises(RuleViolation, match="验证码已失效，请重新获取"):
        verification.check_code(PHONE, "register", code)


def test_five_wrong_tries_void_the_code(ctx, at):
    verification.send_code(PHONE, "register")
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(RuleViolation, match=f"验证码错误，还可再试 {left} 次"):
            verification.check_code(PHONE, "register", wrong)
    with pytest.raises(RuleViolation, match="验证码错误次数过多"):
        verification.check_code(PHONE, "register", wrong)
    with pytest.raises(RuleViolation, match="验证码已失效"):
        verification.check_code(PHONE, "register", code)


def test_a_code_is_for_its_own_purpose(ctx, at):
    verification.send_code(PHONE, "reset_password")
    with pytest.raises(RuleViolation, match="验证码已失效"):
        verification.check_code(PHONE, "register", sent_code())
