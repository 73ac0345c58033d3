"""One-time codes by SMS (and email) and their sending limits (rate limit): 6 digits, valid 5 minutes, one
sent per SMS_RESEND_INTERVAL (60 s) per recipient, void after MAX_ATTEMPTS (5) wrong tries. Only an HMAC of
the code is stored."""

import hashlib
import hmac
import math
import secrets
from datetime import timedelta

from flask import current_app

from console.errors import RuleViolation
from console.infra import clock, notifier
from console.profiles import current_profile
from models import VerificationCode

VALID_FOR = timedelta(minutes=5)
SMS_RESEND_INTERVAL = timedelta(seconds=60)
MAX_ATTEMPTS = 5
PURPOSES = {
    "register": "注册",
    "login": "登录",
    "reset_password": "找回密码",
    "verify_email": "验证邮箱",
    "change_phone": "变更手机号",
}


def send_code(recipient, purpose, channel="sms"):
    now = clock.now()
    last = (
        VerificationCode.select()
        .where(VerificationCode.recipient == recipient, VerificationCode.channel == channel)
        .order_by(VerificationCode.created_at.desc())
        .first()
    )
    if last and now - last.created_at < SMS_RESEND_INTERVAL:
        wait = math.ceil((SMS_RESEND_INTERVAL - (now - last.created_at)).total_seconds())
        raise RuleViolation(f"验证码已发送，请 {wait} 秒后再获取")
    code = f"{secrets.randbelow(10**6):06d}"
    VerificationCode.create(
        channel=channel,
        recipient=recipient,
        purpose=purpose,
        code_hash=_digest(code),
        expires_at=now + VALID_FOR,
        created_at=now,
    )
    system = current_profile.system_name
    said = f"您的{PURPOSES[purpose]}验证码是 {code}，5 分钟内有效。"
    if channel == "sms":
        notifier.send_sms(recipient, f"【{system}】{said}如非本人操作，请忽略本短信。")
    else:
        notifier.send_email(recipient, f"{system}验证码", f"{said}如非本人操作，请忽略本邮件。\n\n{system}")


def check_code(recipient, purpose, code, channel="sms"):
    """Use up the code, or raise RuleViolation saying why it is refused."""
    now = clock.now()
    entry = (
        VerificationCode.select()
        .where(
            VerificationCode.recipient == recipient,
            VerificationCode.channel == channel,
            VerificationCode.purpose == purpose,
            VerificationCode.used_at.is_null(),
        )
        .order_by(VerificationCode.created_at.desc())
        .first()
    )
    if entry is None or entry.expires_at < now or entry.attempts >= MAX_ATTEMPTS:
        raise RuleViolation("验证码已失效，请重新获取")
    if not hmac.compare_digest(entry.code_hash, _digest((code or "").strip())):
        entry.attempts += 1
        entry.save()
        left = MAX_ATTEMPTS - entry.attempts
        raise RuleViolation(f"验证码错误，还可再试 {left} 次" if left else "验证码错误次数过多，请重新获取")
    entry.used_at = now
    entry.save()


def _digest(code):
    return hmac.new(current_app.secret_key.encode(), code.encode(), hashlib.sha256).hexdigest()
