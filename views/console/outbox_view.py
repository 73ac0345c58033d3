"""发件箱: the SMS and e-mails the relay delivers, for the province admin: waiting, sent, withdrawn or given up,
with the attempts and the last error; one given up is sent again from here. The text is not shown (it holds
people's codes); the recipient is masked."""

from flask import flash
from flask_admin.actions import action
from flask_admin.contrib.peewee.filters import FilterEqual

from console.infra import audit, notifier
from console.people.identity import mask_phone
from models import OutboxMessage
from models.outbox import CHANNELS
from views.console.base import ConsoleModelView, beijing_time


def _state(view, context, message, name):
    if message.delivered_at:
        return "已发送"
    if message.cancelled_at:
        return "已撤回"
    return "发送失败，已停止重试" if message.failed_at else "待发送"


class OutboxView(ConsoleModelView):
    read_roles = frozenset({"province_admin"})
    write_roles = frozenset({"province_admin"})
    allow_create = False
    allow_edit = False
    can_view_details = False
    simple_list_pager = True

    column_list = ("created_at", "channel", "recipient", "subject", "state", "attempts", "last_error", "delivered_at")
    column_labels = {
        "created_at": "写入时间",
        "channel": "渠道",
        "recipient": "收件人",
        "subject": "主题",
        "state": "状态",
        "attempts": "失败次数",
        "last_error": "最后一次错误",
        "delivered_at": "发送时间",
    }
    column_sortable_list = ("created_at",)
    column_default_sort = ("created_at", True)
    column_filters = (FilterEqual(OutboxMessage.channel, "渠道", options=tuple(CHANNELS)),)
    column_formatters = {
        "created_at": beijing_time("created_at", "%Y-%m-%d %H:%M:%S"),
        "delivered_at": beijing_time("delivered_at", "%Y-%m-%d %H:%M:%S"),
        "channel": lambda v, c, m, p: dict(CHANNELS)[m.channel],
        "recipient": lambda v, c, m, p: mask_phone(m.recipient) if m.channel == "sms" else m.recipient,
        "state": _state,
    }

    @action("resend", "重新发送", "确定重新发送选中的失败消息？")
    def resend(self, ids):
        again = [int(i) for i in ids if i.isdigit() and notifier.resend(int(i))]
        for message_id in again:
            audit.record("outbox.resend", OutboxMessage.get_by_id(message_id))
        flash(
            f"已重新排队 {len(again)} 条消息" if again else "选中的消息中没有发送失败的",
            "success" if again else "warning",
        )
