"""The outbox: every message is written with the change that causes it and delivered by the relay, through the
backend, at least once and by one relay at a time, retried with growing waits and given up after a day; e-mail
by SMTP, tested against a real SMTP server (aiosmtpd) on a free loopback port."""

import logging
import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from console import tasks
from console.infra import clock, notifier
from models import AuditEntry, OutboxMessage
from tests.helpers import post_form


def test_messages_are_written_first_and_delivered_by_the_relay(ctx, caplog):
    caplog.set_level(logging.INFO, logger="console.infra.notifier")
    notifier.send_sms("13800000001", "您的验证码是 123456，5 分钟内有效")
    notifier.send_email("a@example.cn", "邮箱验证", "验证码 654321")
    rows = [
        (m.channel, m.recipient, m.backend, m.delivered_at) for m in OutboxMessage.select().order_by(OutboxMessage.id)
    ]
    assert rows == [("sms", "13800000001", "outbox", None), ("email", "a@example.cn", "outbox", None)]
    assert "123456" not in caplog.text  # nothing leaves before the change is committed and the relay runs
    assert notifier.deliver_due() == 2 and notifier.deliver_due() == 0
    assert "123456" in caplog.text and "654321" in caplog.text and "138****0001" in caplog.text


def test_a_burst_of_messages_asks_the_queue_for_one_relay_a_second(app, ctx, monkeypatch):
    scheduled = []
    relay = app.extensions["jobs"].relay
    monkeypatch.setattr(relay, "schedule", lambda delay: scheduled.append(delay))
    monkeypatch.setattr(tasks.time, "time", lambda: 1000.2)
    for n in range(50):
        notifier.send_sms(f"1380000{n:04d}", "您的验证码是 123456")
    notifier.send_sms("13800009999", "审核已通过", hold=timedelta(seconds=10))
    assert scheduled == [pytest.approx(1.8), pytest.approx(10.8)]  # at 1002 for the fifty, at 1011 for the held one
    assert OutboxMessage.select().count() == 51


class RecordingProvider:
    name = "recording"
    delivered = []

    def __init__(self, config):
        pass

    def deliver(self, message):
        self.delivered.append(message.body)


@pytest.mark.parametrize("app_overrides", [{"NOTIFIER": "tests.test_notifier:RecordingProvider"}])
def test_a_real_provider_plugs_in_by_name(ctx):
    notifier.send_sms("13800000001", "审核通过")
    notifier.deliver_due()
    assert RecordingProvider.delivered == ["审核通过"]
    assert OutboxMessage.get().backend == "recording"


class DownProvider:
    name = "down"

    def __init__(self, config):
        pass

    def deliver(self, message):
        raise ConnectionError("provider unreachable")


@pytest.mark.parametrize("app_overrides", [{"NOTIFIER": "tests.test_notifier:DownProvider"}])
def test_a_provider_down_loses_nothing_and_a_day_of_failures_is_given_up(ctx, monkeypatch):
    sent_at = notifier.send_sms("13800000001", "审核通过").created_at
    waits = []
    moment = sent_at
    while OutboxMessage.get().failed_at is None:
        monkeypatch.setattr(clock, "now", lambda m=moment: m)
        assert notifier.deliver_due() == 0
        message = OutboxMessage.get()
        waits.append(message.deliver_after - moment)
        moment = message.deliver_after
    assert waits[:4] == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120), timedelta(seconds=240)]
    assert max(waits) == timedelta(hours=1) and moment - sent_at > timedelta(hours=23)
    assert message.last_error == "ConnectionError: provider unreachable" and message.attempts == len(waits)
    assert notifier.deliver_due() == 0  # given up: the relay leaves it to the admin
    assert notifier.resend(message.id) and OutboxMessage.get().attempts == 0


def test_a_message_is_taken_by_one_relay_at_a_time(ctx):
    message = notifier.send_sms("13800000001", "审核通过")
    taken_elsewhere = clock.now() + notifier.LEASE
    OutboxMessage.update(deliver_after=taken_elsewhere).where(OutboxMessage.id == message.id).execute()
    assert notifier.deliver_due() == 0  # another relay holds it until its lease ends
    assert OutboxMessage.get().delivered_at is None


class Inbox:
    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = free_port()
SMTP = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": PORT, "MAIL_TLS": False, "MAIL_FROM": "kjk@example.cn"}


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=PORT)
    controller.start()
    yield inbox
    controller.stop()


@pytest.mark.parametrize("app_overrides", [SMTP])
def test_e_mail_goes_by_smtp_with_the_outbox_id_in_its_message_id(ctx, smtp_server):
    message = notifier.send_email("wang@example.cn", "邮箱验证码", "您的验证码是 123456")
    assert notifier.deliver_due() == 1
    ((recipients, mail),) = smtp_server.received
    assert recipients == ["wang@example.cn"] and mail["Subject"] == "邮箱验证码"
    assert f"outbox-{message.id}" in mail["Message-ID"] and "123456" in mail.get_content()
    assert OutboxMessage.get().backend == "smtp"


@pytest.mark.parametrize("app_overrides", [SMTP])
def test_an_smtp_server_down_is_the_messages_failure_and_is_retried(ctx, monkeypatch):
    notifier.send_email("wang@example.cn", "邮箱验证码", "您的验证码是 123456")
    assert notifier.deliver_due() == 0  # nothing listens on the port yet
    failed = OutboxMessage.get()
    assert failed.attempts == 1 and "ConnectionRefusedError" in failed.last_error and failed.delivered_at is None
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=PORT)
    controller.start()
    try:
        monkeypatch.setattr(clock, "now", lambda: failed.deliver_after)
        assert notifier.deliver_due() == 1 and len(inbox.received) == 1
    finally:
        controller.stop()


def test_the_province_admin_sees_a_failed_message_and_sends_it_again(app, admin_client):
    with app.app_context():
        message = notifier.send_sms("13800000001", "您的验证码是 123456")
    not_failed = post_form(
        admin_client, "/console/outbox/action/", {"action": "resend", "rowid": str(message.id)}, "/console/outbox/"
    )
    assert "选中的消息中没有发送失败的" in admin_client.get(not_failed.headers["Location"]).get_data(as_text=True)
    OutboxMessage.update(failed_at=clock.now(), attempts=12, last_error="ConnectionError: 配额已用完").execute()
    page = admin_client.get("/console/outbox/").get_data(as_text=True)
    assert "发送失败，已停止重试" in page and "ConnectionError: 配额已用完" in page and "138****0001" in page
    assert "123456" not in page and "13800000001" not in page  # neither the code nor the whole number
    data = {"action": "resend", "rowid": str(message.id)}
    done = post_form(admin_client, "/console/outbox/action/", data, "/console/outbox/")
    assert "已重新排队 1 条消息" in admin_client.get(done.headers["Location"]).get_data(as_text=True)
    assert OutboxMessage.get().failed_at is None
    assert AuditEntry.select().where(AuditEntry.action == "outbox.resend").count() == 1
