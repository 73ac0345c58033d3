"""The notifier records every message in the outbox and the log, whatever the backend."""

import logging

import pytest

from console.infra import notifier
from models import OutboxMessage


def test_sms_and_email_land_in_the_outbox_and_the_log(ctx, caplog):
    caplog.set_level(logging.INFO, logger="console.infra.notifier")
    notifier.send_sms("13800000001", "您的验证码是 123456，5 分钟内有效")
    notifier.send_email("a@example.cn", "邮箱验证", "验证码 654321")
    rows = [(m.channel, m.recipient, m.backend) for m in OutboxMessage.select().order_by(OutboxMessage.id)]
    assert rows == [("sms", "13800000001", "outbox"), ("email", "a@example.cn", "outbox")]
    assert "123456" in caplog.text and "654321" in caplog.text


class RecordingProvider:
    name = "recording"
    delivered = []

    def deliver(self, message):
        self.delivered.append(message.body)


@pytest.mark.parametrize("app_overrides", [{"NOTIFIER": "tests.test_notifier:RecordingProvider"}])
def test_a_real_provider_plugs_in_by_name(ctx):
    notifier.send_sms("13800000001", "审核通过")
    assert RecordingProvider.delivered == ["审核通过"]
    assert OutboxMessage.get().backend == "recording"
