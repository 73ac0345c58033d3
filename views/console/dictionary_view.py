"""字典: dropdown choices, kept by the provincial admin."""

from flask_admin.contrib.peewee.filters import BooleanEqualFilter, FilterEqual

from console.errors import RuleViolation
from models import DictionaryEntry
from models.dictionary import DICTIONARY_KINDS
from views.console.base import ConsoleModelView


class DictionaryView(ConsoleModelView):
    write_roles = frozenset({"province_admin"})
    audit_name = "dictionary"
    can_view_details = False

    column_list = ("kind", "code", "name", "sort_order", "is_active")
    column_labels = {"kind": "类别", "code": "代码", "name": "名称", "sort_order": "排序", "is_active": "在用"}
    column_searchable_list = ("name", "code")
    column_sortable_list = ("kind", "code", "sort_order")
    column_default_sort = [("kind", False), ("sort_order", False)]
    column_filters = (
        FilterEqual(DictionaryEntry.kind, "类别", options=DICTIONARY_KINDS),
        BooleanEqualFilter(DictionaryEntry.is_active, "在用"),
    )
    column_formatters = {"kind": lambda v, c, m, p: DICTIONARY_KINDS.label(m.kind)}
    form_columns = ("kind", "code", "name", "sort_order", "is_active")
    form_edit_columns = ("name", "sort_order", "is_active")
    form_args = {
        "kind": {"label": "类别"},
        "code": {"label": "代码"},
        "name": {"label": "名称"},
        "sort_order": {"label": "排序"},
        "is_active": {"label": "在用"},
    }

    def apply_rules(self, form, model, is_created):
        duplicate = DictionaryEntry.select().where(
            DictionaryEntry.kind == model.kind, DictionaryEntry.code == model.code
        )
        if is_created and duplicate.exists():
            raise RuleViolation(f"“{DICTIONARY_KINDS.label(model.kind)}”中已有代码 {model.code}")
        model.edited_in_console = True
