"""Image captcha: the answer lives in the session only as an HMAC, so the cookie does not give it away."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from captcha.image import ImageCaptcha
from flask import current_app, session

from console.infra import clock

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
LENGTH = 4
VALID_FOR = timedelta(minutes=5)
_image = ImageCaptcha(width=140, height=50)


def new_text():
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def issue():
    """A fresh captcha for this session; returns the PNG bytes."""
    text = new_text()
    session["captcha"] = {"digest": _digest(text), "at": clock.now().timestamp()}
    return _image.generate(text).getvalue()


def verify(answer):
    """True when answer matches the session's captcha; each captcha is good for one try."""
    issued = session.pop("captcha", None)
    if not issued or clock.now().timestamp() - issued["at"] > VALID_FOR.total_seconds():
        return False
    return hmac.compare_digest(issued["digest"], _digest((answer or "").strip().upper()))


def _digest(text):
    return hmac.new(current_app.secret_key.encode(), text.encode(), hashlib.sha256).hexdigest()
