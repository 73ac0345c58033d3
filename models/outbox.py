from peewee import CharField, DateTimeField, IntegerField, TextField

from models.base import BaseModel
from models.choices import Choices

CHANNELS = Choices(("sms", "短信"), ("email", "电子邮件"))


class OutboxMessage(BaseModel):
    """发件箱: every SMS and email the notifier sent, whatever the backend."""

    channel = CharField(choices=CHANNELS)
    recipient = CharField(index=True)
    subject = CharField(default="")
    body = TextField()
    template = CharField(default="")  # which message (console.infra.messages), for a provider of templates
    template_params = TextField(default="{}")  # its values, as JSON
    backend = CharField()
    created_at = DateTimeField(index=True)
    deliver_after = DateTimeField(null=True, index=True)  # not before then: held (an undoable decision) or retried
    delivered_at = DateTimeField(null=True)
    cancelled_at = DateTimeField(null=True)  # withdrawn before delivery
    attempts = IntegerField(default=0)  # failed deliveries so far
    last_error = TextField(default="")
    failed_at = DateTimeField(null=True)  # given up on (a day of failures); the admin may resend it


class VerificationCode(BaseModel):
    """验证码: a one-time code sent by SMS or email; only its hash is kept."""

    channel = CharField(choices=CHANNELS)
    recipient = CharField(index=True)
    purpose = CharField()  # register, login, reset_password, verify_email
    code_hash = CharField()
    attempts = IntegerField(default=0)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)
    created_at = DateTimeField()


class SendingSlot(BaseModel):
    """验证码发送间隔: when a code last went to a recipient. A send takes the slot with one conditional
    UPDATE, so that of any number of sends at once to one phone, one goes out per interval."""

    channel = CharField(choices=CHANNELS)
    recipient = CharField()
    last_sent_at = DateTimeField()

    class Meta:
        indexes = ((("channel", "recipient"), True),)
