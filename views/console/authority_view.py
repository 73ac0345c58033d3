"""会计管理机构: the tree and its contacts (phones, address, office hours), kept by the provincial admin, who also
imports the contacts from a file (console.content.contacts); reviewers read it."""

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.peewee.filters import BooleanEqualFilter, FilterEqual, IntEqualFilter
from flask_login import current_user
from peewee import JOIN
from wtforms import SelectField
from wtforms.validators import InputRequired

from console.content import contacts
from console.errors import RuleViolation
from console.infra import clock
from console.org import authorities
from console.org.access import administered_authorities
from console.people.phones import normalize_phones
from models import Authority
from models.authority import LEVELS
from views.console.base import ConsoleModelView, DatabaseOptions
from views.console.import_views import ImportForm, small_import
from views.forms import Form, attach_violation, options

Parent = Authority.alias()


def _parent_options():
    parents = Authority.select(Authority.parent).where(Authority.parent.is_null(False))
    query = Authority.select(Authority.id, Authority.name).where(Authority.id.in_(parents)).order_by(Authority.code)
    return [(str(a.id), a.name) for a in query]


class ParentFilter(DatabaseOptions, IntEqualFilter):
    pass


class MergeForm(Form):
    target = SelectField("合并到", validators=[InputRequired("请选择合并到的机构")], validate_choice=False)


class AuthorityView(ConsoleModelView):
    read_roles = frozenset({"reviewer"})
    write_roles = frozenset({"province_admin"})
    write_views = ConsoleModelView.write_views | {"merge_view", "deactivate_view", "contacts_view"}
    audit_name = "authority"
    details_template = "console/authority_details.html"
    list_template = "console/authority_list.html"

    column_list = ("name", "level", "parent", "code", "phones", "run_by", "is_active")
    column_details_list = (
        "code",
        "name",
        "level",
        "parent",
        "region_code",
        "special",
        "run_by",
        "phones",
        "address",
        "office_hours",
        "is_active",
        "merged_into",
        "updated_at",
    )
    column_labels = {
        "code": "编号",
        "name": "名称",
        "level": "级别",
        "parent": "上级机构",
        "region_code": "管辖区划代码",
        "special": "特设机构",
        "run_by": "承办单位",
        "phones": "联系电话",
        "address": "地址",
        "office_hours": "办公时间",
        "is_active": "在用",
        "merged_into": "已合并到",
        "updated_at": "更新时间",
        "sort_order": "排序",
    }
    column_descriptions = {
        "phones": "多个号码用“；”分隔",
        "special": "自治区直属、林管局等，会计人员不能自行选择",
        "office_hours": "如：工作日 8:30-12:00，14:30-17:30",
    }
    column_searchable_list = ("name",)
    column_sortable_list = ("code", "name", "level", "is_active")
    column_default_sort = ("code", False)
    column_filters = (
        FilterEqual(Authority.level, "级别", options=LEVELS),
        ParentFilter(Authority.parent, "上级机构", options=_parent_options),
        BooleanEqualFilter(Authority.is_active, "在用"),
    )
    column_formatters = {"level": lambda v, c, m, p: m.level_label}
    form_columns = (
        "code",
        "name",
        "level",
        "parent",
        "region_code",
        "special",
        "run_by",
        "phones",
        "address",
        "office_hours",
        "sort_order",
    )
    form_edit_columns = ("name", "parent", "run_by", "phones", "address", "office_hours", "sort_order")

    def get_query(self):
        return Authority.select(Authority, Parent).join(
            Parent, JOIN.LEFT_OUTER, on=(Authority.parent == Parent.id), attr="parent"
        )

    def create_form(self, obj=None):
        return self._limit_parents(super().create_form(obj), None)

    def edit_form(self, obj=None):
        return self._limit_parents(super().edit_form(obj), obj)

    def _limit_parents(self, form, authority):
        query = Authority.select().where(Authority.is_active).order_by(Authority.code)
        if authority is not None:
            query = query.where(Authority.id.not_in([authority.id, *authorities.descendants(authority)]))
        form.parent.query = query
        return form

    def apply_rules(self, form, model, is_created):
        model.phones = normalize_phones(model.phones)
        authorities.check_parent(model, model.parent)
        model.edited_in_console = True
        model.updated_at = clock.now()

    @expose("/merge/", methods=("GET", "POST"))
    def merge_view(self):
        source = self.get_one(request.args.get("id"))
        if source is None or not source.is_active:
            flash("机构不存在或已停用", "error")
            return redirect(url_for(".index_view"))
        form = MergeForm()
        excluded = {source.id, *authorities.descendants(source)}
        form.target.choices = options(
            [("", "请选择")]
            + [
                (str(a.id), a.name)
                for a in Authority.select().where(Authority.is_active).order_by(Authority.code)
                if a.id not in excluded
            ]
        )
        if form.validate_on_submit():
            target = self.get_one(form.target.data)
            try:
                if target is None:
                    raise RuleViolation("请选择合并到的机构")
                moved = authorities.merge(source, target)
            except RuleViolation as violation:
                attach_violation(form, violation, "target")
            else:
                summary = "，".join(f"{k} {n}" for k, n in moved.items())
                flash(f"已将“{source.name}”合并到“{target.name}”：{summary}", "success")
                return redirect(url_for(".details_view", id=target.id))
        return self.render(
            "console/authority_merge.html", form=form, source=source, attached=authorities.attached_counts(source)
        )

    @expose("/deactivate/", methods=("POST",))
    def deactivate_view(self):
        authority = self.get_one(request.args.get("id"))
        form = Form()
        if authority is None or not form.validate_on_submit():
            flash("机构不存在", "error")
            return redirect(url_for(".index_view"))
        try:
            authorities.deactivate(authority)
            flash(f"已停用“{authority.name}”", "success")
        except RuleViolation as violation:
            flash(str(violation), "error")
        return redirect(url_for(".details_view", id=authority.id))

    @expose("/contacts/", methods=("GET", "POST"))
    def contacts_view(self):
        """导入联系方式: checked whole, written whole or not at all, the errors listed by line."""
        form, admin = ImportForm(), current_user._get_current_object()
        scope = administered_authorities(admin)
        changed, errors, status = small_import(
            form, lambda name, stream: contacts.import_file(name, stream, admin, scope)
        )
        if changed is not None:
            flash(f"已导入 {changed} 个机构的联系方式", "success")
            return redirect(url_for(".index_view"))
        return self.render("console/authority_contacts.html", form=form, errors=errors, header=contacts.HEADER), status
