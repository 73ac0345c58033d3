"""SMS and e-mail: written to the outbox in the transaction of the change that causes them, and delivered by
the relay (deliver_due, run by the worker and by the dev server) through a pluggable backend: at least once,
each message taken by one relay at a time, retried with growing waits, given up after a day with the reason
kept (the province admin resends from 发件箱).

The default backend, `outbox`, sends nothing: it prints every message, so the dev server and the tests show
the codes and notices. NOTIFIER=aliyun sends SMS by Alibaba Cloud (console.infra.aliyun_sms); another provider
is a class built from the app's config with a `deliver(message)` method that raises on failure, named in
NOTIFIER as `package.module:ClassName`. E-mail goes by SMTP when MAIL_SERVER is set (SmtpBackend)."""

import importlib
import json
import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app

from console.infra import clock
from console.infra.aliyun_sms import AliyunSms
from console.infra.batches import chunks, insert_rows
from console.people.identity import mask_phone
from models import OutboxMessage

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=2)  # a relay's hold on the message it is delivering; another takes it after that
RELAY_DELAY = timedelta(seconds=1)
FIRST_RETRY, LAST_RETRY, GIVE_UP = timedelta(seconds=30), timedelta(hours=1), timedelta(days=1)


class OutboxBackend:
    """Development's backend: nothing leaves the machine; every message is printed (the recipient masked)."""

    name = "outbox"

    def __init__(self, config):
        pass

    def deliver(self, message):
        to = mask_phone(message.recipient) if message.channel == "sms" else message.recipient
        log.info("%s to %s: %s %s", message.channel, to, message.subject, message.body)


class SmtpBackend:
    """E-mail by SMTP (STARTTLS unless MAIL_TLS=0); the outbox row's id makes the Message-ID, so a message
    delivered again after a relay died mid-send is recognisably the same one."""

    name = "smtp"

    def __init__(self, config):
        self.config = config

    def deliver(self, message):
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.config["MAIL_FROM"], message.recipient, message.subject
        mail["Message-ID"] = make_msgid(f"outbox-{message.id}", self.config["MAIL_SERVER"])
        mail.set_content(message.body)
        with smtplib.SMTP(self.config["MAIL_SERVER"], self.config["MAIL_PORT"], timeout=30) as server:
            if self.config["MAIL_TLS"]:
                server.starttls()
            if self.config["MAIL_USERNAME"]:
                server.login(self.config["MAIL_USERNAME"], self.config["MAIL_PASSWORD"])
            server.send_message(mail)


BACKENDS = {"outbox": OutboxBackend, "aliyun": AliyunSms}


def init_app(app):
    name = app.config["NOTIFIER"]
    if name in BACKENDS:
        backend = BACKENDS[name](app.config)
    else:
        module, _, cls = name.partition(":")
        backend = getattr(importlib.import_module(module), cls)(app.config)
    mail = SmtpBackend(app.config) if app.config["MAIL_SERVER"] else backend
    app.extensions["notifier"] = {"sms": backend, "email": mail}
    if isinstance(backend, OutboxBackend) and not logging.getLogger().handlers and not log.handlers:
        log.addHandler(logging.StreamHandler())  # `flask run` configures no logging: print the codes anyway
        log.setLevel(logging.INFO)


def send_sms(phone, text, hold=None):
    """For the relay to deliver at once, or with `hold` (a timedelta) not before then, while it may be cancelled.
    `text` is a messages.sms(), whose template a provider of templates sends."""
    return _send("sms", phone, "", text, hold)


def send_email(address, subject, body):
    return _send("email", address, subject, body)


def _send(channel, recipient, subject, body, hold=None):
    now = clock.now()
    message = OutboxMessage.create(
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        **_template(body),
        backend=_backend_name(channel),
        created_at=now,
        deliver_after=now + hold if hold else now,
    )
    _relay_soon(hold)
    return message


def send_many(channel, messages):
    """Many (recipient, text) at once, as a rules run's notices: written in batches, the relay asked once."""
    now, name = clock.now(), _backend_name(channel)
    columns = ("channel", "recipient", "subject", "body", "template", "template_params", "backend", "created_at")
    fields = [getattr(OutboxMessage, c) for c in (*columns, "deliver_after", "attempts", "last_error")]
    rows = ((channel, to, "", body, *_template(body).values(), name, now, now, 0, "") for to, body in messages)
    written = 0
    for chunk in chunks(rows, 1000):
        insert_rows(OutboxMessage, fields, chunk)
        written += len(chunk)
    if written:
        _relay_soon()
    return written


def _template(text):
    return {
        "template": getattr(text, "key", ""),
        "template_params": json.dumps(getattr(text, "values", {}), ensure_ascii=False),
    }


def _backend_name(channel):
    backend = current_app.extensions["notifier"][channel]
    return getattr(backend, "name", type(backend).__name__)


def _relay_soon(hold=None):
    """Ask the worker to relay once the message is committed and due: a second from now, or after its hold.
    The relay also runs every minute, for retries and for anything asked too early."""
    current_app.extensions["jobs"].relay_after(max(hold or RELAY_DELAY, RELAY_DELAY))


def _pending():
    return (
        OutboxMessage.delivered_at.is_null() & OutboxMessage.cancelled_at.is_null() & OutboxMessage.failed_at.is_null()
    )


def cancel(message_id):
    """Withdraw a held message; False when it has gone out (or was withdrawn) already."""
    withdrawn = OutboxMessage.update(cancelled_at=clock.now()).where(OutboxMessage.id == message_id, _pending())
    return bool(withdrawn.execute())


def deliver_due():
    """Deliver the messages whose time has come. Each is taken for LEASE by one conditional UPDATE, so two
    relays never send one at once; a failure is kept and retried after a wait that doubles, up to an hour,
    and given up a day after the message was written. Returns how many went out."""
    now, sent = clock.now(), 0
    due = OutboxMessage.select().where(OutboxMessage.deliver_after <= now, _pending())
    for message in due.order_by(OutboxMessage.deliver_after).limit(500):
        taken = OutboxMessage.update(deliver_after=now + LEASE).where(
            OutboxMessage.id == message.id, OutboxMessage.deliver_after <= now, _pending()
        )
        if taken.execute():
            sent += _deliver(message, now)
    return sent


def _deliver(message, now):
    try:
        current_app.extensions["notifier"][message.channel].deliver(message)
    except Exception as error:  # a provider's failure, whatever its kind, is the message's, not the relay's
        _failed(message, now, f"{type(error).__name__}: {error}"[:500])
        return 0
    OutboxMessage.update(delivered_at=now).where(OutboxMessage.id == message.id).execute()
    return 1


def _failed(message, now, reason):
    attempts = message.attempts + 1
    wait = min(FIRST_RETRY * 2 ** (attempts - 1), LAST_RETRY)
    given_up = now + wait > message.created_at + GIVE_UP
    OutboxMessage.update(
        attempts=attempts, last_error=reason, deliver_after=now + wait, failed_at=now if given_up else None
    ).where(OutboxMessage.id == message.id).execute()
    log.warning("outbox %s failed (attempt %s): %s", message.id, attempts, reason)


def resend(message_id):
    """A message given up on, tried again from now; False when it was not one."""
    again = OutboxMessage.update(failed_at=None, attempts=0, last_error="", deliver_after=clock.now())
    return bool(again.where(OutboxMessage.id == message_id, OutboxMessage.failed_at.is_null(False)).execute())
