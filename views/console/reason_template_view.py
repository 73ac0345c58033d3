"""退回原因模板: the ready-made return reasons, each tied to a section and a field or scan, kept by the province admin."""

from flask_admin.contrib.peewee.filters import BooleanEqualFilter, FilterEqual
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from console.collection.sections import REASON_SECTIONS as SECTIONS
from console.errors import RuleViolation
from console.infra.texts import MAX_REASON_LENGTH
from console.profiles import current_profile
from console.review import reasons
from models import ReasonTemplate
from views.console.base import ConsoleModelView
from views.forms import Form


class ReasonTemplateForm(Form):
    section = SelectField("栏目", choices=[SelectChoice(key, title) for key, title in SECTIONS])
    target = SelectField("字段或附件", validate_choice=False, description="不选表示针对整个栏目")
    text = StringField(
        "退回原因",
        filters=[lambda text: text.strip() if text else text],
        validators=[DataRequired("请填写退回原因"), Length(max=MAX_REASON_LENGTH, message="退回原因太长")],
    )
    sort_order = IntegerField("排序", default=0, validators=[Optional()])
    is_active = BooleanField("在用", default=True)


def _target(view, context, model, name):
    return reasons.targets(current_profile).get(model.section, {}).get(model.target, model.target) or "（整个栏目）"


class ReasonTemplateView(ConsoleModelView):
    read_roles = frozenset({"reviewer"})
    write_roles = frozenset({"province_admin"})
    audit_name = "reason_template"
    can_view_details = False
    form = ReasonTemplateForm

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

    def create_form(self, obj=None):
        return self._with_targets(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._with_targets(super().edit_form(obj))

    def _with_targets(self, form):
        form.target.choices = [
            SelectChoice(value, label, optgroup=group)
            for group, value, label in reasons.target_choices(current_profile)
        ]
        return form

    def apply_rules(self, form, model, is_created):
        model.target = model.target or ""
        refusal = reasons.check_target(model.section, model.target, current_profile)
        if refusal:
            raise RuleViolation(refusal)
