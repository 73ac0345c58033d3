"""工作单位维护: a bureau's units (the province admin's: all), the licence beside the record; edit,
merge duplicates, close, and confirm the name, USCC or region changes their heads ask for.
A unit with people is never deleted; the rules are console.org.units."""

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.peewee.filters import FilterEqual
from flask_login import current_user
from peewee import JOIN, fn
from wtforms import SelectField, StringField, TextAreaField

from console.archive import registry
from console.collection.attachments import OTHER_SLOTS
from console.errors import RuleViolation
from console.infra import dictionaries
from console.org import units
from console.org.access import authority_list, readable_authorities
from models import Attachment, Authority, Unit, UnitChange
from models.unit import UNIT_STATES
from views.console.base import ConsoleModelView, DatabaseOptions, beijing_time
from views.forms import Form, attach_violation, options


def readable_authority_options():
    readable = readable_authorities(current_user)
    return [(str(a.id), a.name) for a in authority_list() if readable is None or a.id in readable]


class AuthorityFilter(DatabaseOptions, FilterEqual):
    pass


class DictionaryFilter(DatabaseOptions, FilterEqual):
    def __init__(self, column, name, kind):
        super().__init__(column, name, options=lambda: [(n, n) for n in dictionaries.names(kind)])


class MergeForm(Form):
    target = StringField("保留的单位（统一社会信用代码）")


class ChangeDecisionForm(Form):
    note = TextAreaField("退回原因")


class AssignForm(Form):
    authority = SelectField("会计管理机构", coerce=int, validate_choice=False)


class UnitView(ConsoleModelView):
    read_roles = frozenset({"reviewer", "province_admin"})
    write_roles = frozenset({"reviewer", "province_admin"})
    write_views = ConsoleModelView.write_views | {"merge_view", "close_view", "change_view", "assign_view"}
    allow_create = False  # a unit is added by the first accountant who works there, with its licence
    audit_name = "unit"
    details_template = "console/unit_details.html"

    column_list = ("name", "uscc", "authority", "economic_type", "industry", "state")
    column_details_list = (
        "name",
        "uscc",
        "region_code",
        "authority",
        "address",
        "phone",
        "economic_type",
        "industry",
        "state",
        "merged_into",
        "created_at",
    )
    column_labels = {
        "name": "单位全称",
        "uscc": "统一社会信用代码",
        "region_code": "所在地区代码",
        "authority": "会计管理机构",
        "address": "地址",
        "phone": "电话",
        "economic_type": "经济类型",
        "industry": "所属行业",
        "state": "状态",
        "merged_into": "已合并到",
        "created_at": "添加时间",
    }
    column_searchable_list = ("name", "uscc")
    column_sortable_list = ("name", "uscc")
    column_default_sort = ("name", False)
    column_filters = (
        AuthorityFilter(Unit.authority, "会计管理机构", options=readable_authority_options),
        DictionaryFilter(Unit.economic_type, "经济类型", "economic_type"),
        DictionaryFilter(Unit.industry, "所属行业", "industry"),
        FilterEqual(Unit.state, "状态", options=UNIT_STATES),
    )
    column_formatters = {
        "state": lambda v, c, m, p: UNIT_STATES.label(m.state),
        "created_at": beijing_time("created_at"),
    }
    form_columns = ("economic_type", "industry", "address", "phone")
    form_args = {
        "economic_type": {"label": "经济类型"},
        "industry": {"label": "所属行业"},
        "address": {"label": "地址"},
        "phone": {"label": "电话"},
    }

    def get_query(self):
        query = Unit.select(Unit, Authority).join(Authority, JOIN.LEFT_OUTER)
        readable = readable_authorities(current_user)
        return query if readable is None else query.where(Unit.authority.in_(readable))

    def get_count_query(self):
        return self.get_query().select(fn.COUNT(Unit.id))

    form_overrides = {"economic_type": SelectField, "industry": SelectField}

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        for kind in ("economic_type", "industry"):
            held = [getattr(obj, kind)] if obj is not None and getattr(obj, kind) else []
            form[kind].choices = options(
                [("", "（未填）")] + [(n, n) for n in dict.fromkeys([*held, *dictionaries.names(kind)])]
            )
        return form

    def apply_rules(self, form, model, is_created):
        if not units.manages(current_user, model):
            raise RuleViolation("该单位属于下级会计管理机构，只能查看")
        model.address, model.phone = (model.address or "").strip(), (model.phone or "").strip()

    def details_context(self, unit):
        return {"unit": self.unit_facts(unit)}

    def unit_facts(self, unit):
        """What the details page shows beside the record: the licence, the people, a pending change."""
        on_duty, off_duty = registry.duty_counts(unit)
        files = list(Attachment.select().where(Attachment.unit == unit).order_by(Attachment.id))
        return {
            "files": files,
            "names": [OTHER_SLOTS[a.slot] for a in files],
            "slots": OTHER_SLOTS,
            "on_duty": on_duty,
            "off_duty": off_duty,
            "change": UnitChange.get_or_none(UnitChange.unit == unit, UnitChange.status == "submitted"),
            "decision_form": ChangeDecisionForm(),
            "manages": units.manages(current_user, unit),
            "assign_form": self.assign_form(unit),
        }

    def assign_form(self, unit, form=None):
        """The authorities the unit may be put under, or None when the account may not assign it."""
        choices = units.assignable(current_user, unit)
        if not choices:
            return None
        form = form or AssignForm(authority=unit.authority_id)
        form.authority.choices = [(a.id, a.name + ("（所在地区）" if n == 0 else "")) for n, a in enumerate(choices)]
        return form

    @expose("/assign/", methods=("POST",))
    def assign_view(self):
        unit, form = self.get_one(request.args.get("id")), AssignForm()
        if unit is None or self.assign_form(unit, form) is None:
            flash("单位不存在或不能调整其会计管理机构", "error")
            return redirect(url_for(".index_view"))
        if not form.validate_on_submit():
            flash("请选择可以管理该单位的会计管理机构", "error")
        else:
            try:
                moved = units.assign(unit, form.authority.data, current_user)
            except RuleViolation as violation:
                flash(str(violation), "error")
            else:
                flash(
                    f"“{unit.name}”已改由{Unit.get_by_id(unit.id).authority.name}管理，转移待审核 {moved} 件", "success"
                )
        return redirect(url_for(".details_view", id=unit.id))

    @expose("/merge/", methods=("GET", "POST"))
    def merge_view(self):
        duplicate = self.get_one(request.args.get("id"))
        if duplicate is None or duplicate.merged_into_id:
            flash("单位不存在或已合并", "error")
            return redirect(url_for(".index_view"))
        form = MergeForm()
        if form.validate_on_submit():
            try:
                target = self.get_query().where(Unit.uscc == (form.target.data or "").strip().upper()).first()
                if target is None:
                    raise RuleViolation("本机构管理的单位中没有该统一社会信用代码", "target")
                moved = units.merge(duplicate, target, current_user)
            except RuleViolation as violation:
                attach_violation(form, violation, "target")
            else:
                summary = "，".join(f"{k} {n} 条" for k, n in moved.items()) or "无关联记录"
                flash(f"已将“{duplicate.name}”合并到“{target.name}”：{summary}", "success")
                return redirect(url_for(".details_view", id=target.id))
        return self.render("console/unit_merge.html", form=form, unit=duplicate, **self.unit_facts(duplicate))

    @expose("/close/", methods=("POST",))
    def close_view(self):
        unit = self.get_one(request.args.get("id"))
        if unit is None or not Form().validate_on_submit():
            flash("单位不存在", "error")
            return redirect(url_for(".index_view"))
        try:
            units.close(unit, current_user)
            flash(f"已注销“{unit.name}”", "success")
        except RuleViolation as violation:
            flash(str(violation), "error")
        return redirect(url_for(".details_view", id=unit.id))

    @expose("/change/", methods=("POST",))
    def change_view(self):
        change = UnitChange.get_or_none(UnitChange.id == request.args.get("id", type=int))
        if change is None or self.get_one(change.unit_id) is None:
            flash("变更申请不存在", "error")
            return redirect(url_for(".index_view"))
        form = ChangeDecisionForm()
        if form.validate_on_submit():
            try:
                units.decide_change(change, current_user, request.form.get("decision") == "approve", form.note.data)
                flash("已确认单位变更" if request.form.get("decision") == "approve" else "已退回变更申请", "success")
            except RuleViolation as violation:
                flash(str(violation), "error")
        return redirect(url_for(".details_view", id=change.unit_id))
