"""One-time codes by SMS (and email) and their sending limits (rate limit): 6 digits, valid 5 minutes, one
sent per SMS_RESEND_INTERVAL (60 s) per recipient, void after MAX_ATTEMPTS (5) wrong tries. Only an HMAC of
the code is stored."""

import hashlib
import hmac
import math
import secrets
from datetime import datetime, timedelta

from flask import current_app

from console.errors import RuleViolation
from console.infra import clock, messages, notifier
from console.profiles import current_profile
from models import SendingSlot, VerificationCode

VALID_FOR = timedelta(minutes=5)
SMS_RESEND_INTERVAL = timedelta(seconds=60)
MAX_ATTEMPTS = 5
PURPOSES = {
    "register": "注册",
    "login": "登录",
    "reset_password": "找回密码",
    "verify_email": "验证邮箱",
    "change_phone": "变更手机号",
    "legacy_login": "首次登录",
}


def send_code(recipient, purpose, channel="sms", deliver=True):
    """Send a code, within the interval. With deliver=False the interval is taken as by a real send and
    nothing is sent: the recipient has no account, and the answer must not say so."""
    now = clock.now()
    _take_slot(recipient, channel, now)
    if not deliver:
        return
    code = f"{secrets.randbelow(10**6):06d}"
    VerificationCode.create(
        channel=channel,
        recipient=recipient,
        purpose=purpose,
        code_hash=_digest(code),
        expires_at=now + VALID_FOR,
        created_at=now,
    )
    if channel == "sms":
        notifier.send_sms(recipient, messages.sms(current_profile, "code", purpose=PURPOSES[purpose], code=code))
    else:
        said = messages.text(current_profile, "code", purpose=PURPOSES[purpose], code=code)
        system = current_profile.system_name
        notifier.send_email(recipient, f"{system}验证码", f"{said}\n\n{system}")


def _take_slot(recipient, channel, now):
    """One send per SMS_RESEND_INTERVAL per recipient, decided by one conditional UPDATE of its slot."""
    SendingSlot.insert(channel=channel, recipient=recipient, last_sent_at=datetime.min).on_conflict_ignore().execute()
    slot = (SendingSlot.channel == channel) & (SendingSlot.recipient == recipient)
    taken = (
        SendingSlot.update(last_sent_at=now)
        .where(slot, SendingSlot.last_sent_at <= now - SMS_RESEND_INTERVAL)
        .execute()
    )
    if not taken:
        last = SendingSlot.get(slot).last_sent_at
        wait = max(1, math.ceil((SMS_RESEND_INTERVAL - (now - last)).total_seconds()))
        raise RuleViolation(f"验证码已发送，请 {wait} 秒后再获取")


def check_code(recipient, purpose, code, channel="sms"):
    """Use up the code, or raise RuleViolation saying why it is refused. Each try is counted before the code
    is compared, by one conditional UPDATE that refuses the try past MAX_ATTEMPTS, so that of any number of
    guesses at once at most MAX_ATTEMPTS are compared; a right code is used by one request only."""
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
    unused = (VerificationCode.id == getattr(entry, "id", 0)) & VerificationCode.used_at.is_null()
    if entry is None or entry.expires_at < now:
        raise RuleViolation("验证码已失效，请重新获取")
    tried = (
        VerificationCode.update(attempts=VerificationCode.attempts + 1)
        .where(unused, VerificationCode.attempts < MAX_ATTEMPTS)
        .execute()
    )
    if not tried:
        raise RuleViolation("验证码已失效，请重新获取")
    if not hmac.compare_digest(entry.code_hash, _digest((code or "").strip())):
        left = MAX_ATTEMPTS - VerificationCode.get_by_id(entry.id).attempts
        raise RuleViolation(f"验证码错误，还可再试 {left} 次" if left > 0 else "验证码错误次数过多，请重新获取")
    if not VerificationCode.update(used_at=now).where(unused).execute():
        raise RuleViolation("验证码已失效，请重新获取")


def _digest(code):
    return hmac.new(current_app.secret_key.encode(), code.encode(), hashlib.sha256).hexdigest()
