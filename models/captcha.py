from peewee import CharField, DateTimeField

from models.base import BaseModel


class Captcha(BaseModel):
    """图形验证码: one issued captcha, kept on the server (the session holds only its token) so that it is
    good for exactly one try, whichever worker answers and whatever cookie is replayed."""

    token = CharField(unique=True)
    digest = CharField()  # an HMAC of the answer, never the answer
    expires_at = DateTimeField(index=True)
