"""Per-client limits (Flask-Limiter), besides the per-account ones of the domain (the lock, the code tries,
the interval between two codes): by address on both sign-ins, the captcha and every code asked for, and by
the name tried and the phone or e-mail a code goes to. Counted in memory by default, in Redis when
RATELIMIT_STORAGE_URI names one, so that a limit holds across the workers."""

from flask import request
from limits import parse

from console.errors import RuleViolation
from console.extensions import limiter

SIGN_IN = "10 per minute;60 per hour"  # sign-in POSTs from one address
CAPTCHA = "20 per minute"  # captcha images for one address
SEND_BY_ADDRESS = ("5 per minute", "20 per hour")  # codes asked for from one address
SEND_BY_RECIPIENT = ("5 per hour", "10 per day")  # codes to one phone or e-mail
TRIES_BY_NAME = ("20 per hour",)  # sign-ins at one ID, phone or user name, from anywhere

sign_in = limiter.limit(SIGN_IN, methods=["POST"])
captcha = limiter.limit(CAPTCHA)


def init_app(app):
    limiter.init_app(app)


def tried(name):
    """Count a sign-in at `name`; RuleViolation once the name has had its tries."""
    _count("sign-in-name", name.strip().upper(), TRIES_BY_NAME, "该账号尝试登录过于频繁，请稍后再试")


def sending(recipient):
    """Count a code asked for, by this address and to this recipient; RuleViolation once either is spent."""
    _count("send-by-address", request.remote_addr or "", SEND_BY_ADDRESS, "获取验证码过于频繁，请稍后再试")
    _count("send-to", recipient.strip(), SEND_BY_RECIPIENT, "该号码获取验证码次数过多，请稍后再试")


def _count(kind, key, rates, message):
    if not limiter.enabled:
        return
    for rate in rates:
        if not limiter.limiter.hit(parse(rate), kind, key):
            raise RuleViolation(message)
