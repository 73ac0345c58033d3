"""审计日志: read-only, for the auditor (separation of duties)."""

from flask_admin.contrib.peewee.filters import FilterEqual, FilterLike
from markupsafe import Markup, escape

from console.infra.audit import ACTIONS, OBJECT_TYPES, detail_lines
from models import AuditEntry
from views.console.base import ConsoleModelView, beijing_time


def _detail(view, context, entry, name):
    return Markup("<br>".join(escape(line) for line in detail_lines(entry)))


class AuditLogView(ConsoleModelView):
    read_roles = frozenset({"auditor"})
    allow_create = False
    allow_edit = False
    can_view_details = False
    simple_list_pager = True

    column_list = ("at", "actor_name", "action", "target_type", "target_id", "detail", "ip")
    column_labels = {
        "at": "时间（北京时间）",
        "actor_name": "操作人",
        "action": "操作",
        "target_type": "对象类型",
        "target_id": "对象编号",
        "detail": "详情",
        "ip": "来源地址",
    }
    column_sortable_list = ("at",)
    column_default_sort = ("at", True)
    column_searchable_list = ("actor_name",)
    column_filters = (
        FilterEqual(AuditEntry.action, "操作", options=tuple(ACTIONS.items())),
        FilterLike(AuditEntry.actor_name, "操作人"),
        FilterEqual(AuditEntry.target_type, "对象类型", options=tuple(OBJECT_TYPES.items())),
        FilterEqual(AuditEntry.ip, "来源地址"),
    )
    column_formatters = {
        "at": beijing_time("at", "%Y-%m-%d %H:%M:%S"),
        "action": lambda v, c, m, p: ACTIONS.get(m.action, m.action),
        "target_type": lambda v, c, m, p: OBJECT_TYPES.get(m.target_type, m.target_type),
        "detail": _detail,
    }
