"""退回原因模板: the ready-made return reasons, each tied to a section and a field or scan, kept by the province admin."""

from flask_admin.contrib.peewee.filters import BooleanEqualFilter, FilterEqual

from console.collection.sections import REASON_SECTIONS as SECTIONS
from console.errors import RuleViolation
from models import ReasonTemplate
from views.console.base import ConsoleModelView
from views.console.review_view import field_labels


def _target(view, context, model, name):
    return field_labels().get(model.section, {}).get(model.target, model.target) or "（整个栏目）"


class ReasonTemplateView(ConsoleModelView):
    read_roles = frozenset({"reviewer"})
    write_roles = frozenset({"province_admin"})
    audit_name = "reason_template"
    can_view_details = False

    column_list = ("section", "target", "text", "sort_order", "is_active")
    column_labels = {
        "section": "栏目",
        "target": "字段或附件",
        "text": "退回原因",
        "sort_order": "排序",
        "is_active": "在用",
    }
    column_searchable_list = ("text",)
    column_sortable_list = ("section", "sort_order")
    column_default_sort = ("sort_order", False)
    column_filters = (
        FilterEqual(ReasonTemplate.section, "栏目", options=SECTIONS),
        BooleanEqualFilter(ReasonTemplate.is_active, "在用"),
    )
    column_formatters = {"section": lambda v, c, m, p: SECTIONS.labels.get(m.section, m.section), "target": _target}
    form_columns = ("section", "target", "text", "sort_order", "is_active")
    form_choices = {"section": list(SECTIONS)}
    form_args = {
        "section": {"label": "栏目"},
        "text": {"label": "退回原因"},
        "sort_order": {"label": "排序"},
        "is_active": {"label": "在用"},
        "target": {
            "label": "字段或附件",
            "description": "字段名（如 full_time_school）或附件类型（如 diploma）；留空表示整个栏目",
        },
    }

    def apply_rules(self, form, model, is_created):
        model.target = (model.target or "").strip()
        model.text = (model.text or "").strip()
        if not model.text:
            raise RuleViolation("请填写退回原因")
        known = field_labels().get(model.section, {})
        if model.target and model.target not in known:
            raise RuleViolation(
                f"“{SECTIONS.label(model.section)}”中没有字段或附件 {model.target}，可选：{'、'.join(known)}"
            )
