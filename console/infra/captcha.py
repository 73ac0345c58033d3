"""Image captcha, kept on the server: each one issued is a row holding only an HMAC of its answer, found by a
token the session carries, and deleted by its one try, right or wrong, so a solved captcha cannot be
replayed from an old cookie or on another worker."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from captcha.image import ImageCaptcha
from flask import current_app

from console.infra import clock
from models import Captcha

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
LENGTH = 4
VALID_FOR = timedelta(minutes=5)
_image = ImageCaptcha(width=140, height=50)


def new_text():
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def issue(previous=None):
    """A fresh captcha: (its token, the PNG). The previous token of the same visitor, and every expired
    captcha, go."""
    now = clock.now()
    Captcha.delete().where((Captcha.expires_at < now) | (Captcha.token == (previous or ""))).execute()
    text, token = new_text(), secrets.token_urlsafe(24)
    Captcha.create(token=token, digest=_digest(text), expires_at=now + VALID_FOR)
    return token, _image.generate(text).getvalue()


def verify(token, answer):
    """True when the answer matches the captcha of `token`; each captcha is good for one try."""
    held = Captcha.get_or_none(Captcha.token == (token or ""))
    if held is None or not Captcha.delete().where(Captcha.id == held.id).execute():
        return False  # unknown, or another request used it a moment ago
    fresh = held.expires_at >= clock.now()
    return fresh and hmac.compare_digest(held.digest, _digest((answer or "").strip().upper()))


def _digest(text):
    return hmac.new(current_app.secret_key.encode(), text.encode(), hashlib.sha256).hexdigest()
