"""Sends SMS and email through a pluggable backend.

The default backend, `outbox`, records every message in the outbox table and the log, so the
dev server and the tests show the codes and notices. A real provider is a class with the same
`deliver(message)` method, named in NOTIFIER as `package.module:ClassName`."""

import importlib
import logging

from flask import current_app

from console.infra import clock
from console.people.identity import mask_phone
from models import OutboxMessage

log = logging.getLogger(__name__)


class OutboxBackend:
    """Development's backend: nothing leaves the machine; every message is printed (the recipient masked)."""

    name = "outbox"

    def deliver(self, message):
        to = mask_phone(message.recipient) if message.channel == "sms" else message.recipient
        log.info("%s to %s: %s %s", message.channel, to, message.subject, message.body)


BACKENDS = {"outbox": OutboxBackend}


def init_app(app):
    name = app.config["NOTIFIER"]
    if name in BACKENDS:
        backend = BACKENDS[name]()
    else:
        module, _, cls = name.partition(":")
        backend = getattr(importlib.import_module(module), cls)()
    app.extensions["notifier"] = backend
    if isinstance(backend, OutboxBackend) and not logging.getLogger().handlers and not log.handlers:
        log.addHandler(logging.StreamHandler())  # `flask run` configures no logging: print the codes anyway
        log.setLevel(logging.INFO)


def send_sms(phone, text, hold=None):
    """Send now, or with `hold` (a timedelta) keep it in the outbox that long, while it may be cancelled."""
    return _send("sms", phone, "", text, hold)


def send_email(address, subject, body):
    return _send("email", address, subject, body)


def _send(channel, recipient, subject, body, hold=None):
    backend = current_app.extensions["notifier"]
    now = clock.now()
    message = OutboxMessage.create(
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        backend=getattr(backend, "name", type(backend).__name__),
        created_at=now,
        deliver_after=now + hold if hold else None,
        delivered_at=None if hold else now,
    )
    if not hold:
        backend.deliver(message)
    return message


def _pending():
    return OutboxMessage.delivered_at.is_null() & OutboxMessage.cancelled_at.is_null()


def cancel(message_id):
    """Withdraw a held message; False when it has gone out (or was withdrawn) already."""
    withdrawn = OutboxMessage.update(cancelled_at=clock.now()).where(OutboxMessage.id == message_id, _pending())
    return bool(withdrawn.execute())


def deliver_due():
    """Deliver the held messages whose time has come; each is taken by one conditional UPDATE, so two
    deliverers never send one twice. Returns how many went out."""
    backend, now, sent = current_app.extensions["notifier"], clock.now(), 0
    due = OutboxMessage.select().where(OutboxMessage.deliver_after <= now, _pending())
    for message in due.order_by(OutboxMessage.deliver_after):
        taken = OutboxMessage.update(delivered_at=now).where(OutboxMessage.id == message.id, _pending())
        if taken.execute():
            backend.deliver(message)
            sent += 1
    return sent
