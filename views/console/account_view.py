"""Staff accounts (审核人员、单位会计机构负责人、审计员、省级管理员), kept by the provincial admin."""

from flask import flash, redirect, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.peewee.filters import BooleanEqualFilter, FilterEqual
from flask_login import current_user
from peewee import JOIN
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired

from console.errors import RuleViolation
from console.infra import audit, clock
from console.org.access import administered_authorities
from console.people import sessions, staff_import
from console.people.staff import issue_password
from models import Account, Authority, Unit
from models.account import ROLES, STAFF_ROLES
from views.console.base import ConsoleModelView, beijing_time
from views.console.import_views import ImportForm, small_import
from views.console.lookups import UnitLookup

STAFF_CHOICES = [(key, label) for key, label in ROLES if key in STAFF_ROLES]


def _administered():
    return administered_authorities(current_user)


class StaffAccountView(ConsoleModelView):
    write_roles = frozenset({"province_admin"})
    write_views = ConsoleModelView.write_views | {"import_view"}
    audit_name = "account"
    list_template = "console/account_list.html"

    column_list = (
        "username",
        "display_name",
        "role",
        "authority",
        "unit",
        "is_enabled",
        "must_change_password",
        "locked_until",
        "last_login_at",
    )
    column_labels = {
        "username": "账号",
        "display_name": "姓名",
        "role": "角色",
        "authority": "会计管理机构",
        "unit": "单位",
        "is_enabled": "启用",
        "must_change_password": "待改初始密码",
        "locked_until": "锁定至",
        "last_login_at": "最近登录",
        "created_at": "创建时间",
    }
    column_details_list = column_list + ("created_at",)
    column_searchable_list = ("username", "display_name")
    column_sortable_list = ("username", "role", "last_login_at")
    column_default_sort = ("username", False)
    column_filters = (
        FilterEqual(Account.role, "角色", options=STAFF_CHOICES),
        BooleanEqualFilter(Account.is_enabled, "启用"),
    )
    column_formatters = {
        "role": lambda v, c, m, p: m.role_label,
        "locked_until": beijing_time("locked_until"),
        "last_login_at": beijing_time("last_login_at"),
        "created_at": beijing_time("created_at"),
    }
    form_columns = ("username", "display_name", "role", "authority", "unit", "is_enabled")
    form_args = {
        "role": {"label": "角色", "validators": [DataRequired("请选择角色")]},
        "username": {"label": "账号", "validators": [InputRequired()]},
        "display_name": {"label": "姓名"},
        "authority": {"label": "会计管理机构"},
        "unit": {"label": "单位"},
        "is_enabled": {"label": "启用"},
    }
    form_ajax_refs = {"unit": UnitLookup(scope=_administered)}

    def get_query(self):
        query = (
            Account.select(Account, Authority, Unit)
            .join_from(Account, Authority, JOIN.LEFT_OUTER)
            .join_from(Account, Unit, JOIN.LEFT_OUTER)
            .where(Account.role.in_(STAFF_ROLES))
        )
        tree = _administered()
        if tree is not None:
            query = query.where(Account.authority.in_(tree) | Unit.authority.in_(tree))
        return query

    def create_form(self, obj=None):
        return self._choices(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._choices(super().edit_form(obj))

    def _choices(self, form):
        """No role chosen for the admin; an admin below the province sets up its own tree's staff only (the
        choices are checked on the server, so another authority or unit is refused as not a valid choice)."""
        tree = _administered()
        roles = [(k, v) for k, v in STAFF_CHOICES if tree is None or k != "auditor"]  # auditors watch the province
        form.role.choices = [SelectChoice("", "请选择角色")] + [SelectChoice(k, v) for k, v in roles]
        authorities = Authority.select().where(Authority.is_active).order_by(Authority.code)
        form.authority.query = authorities if tree is None else authorities.where(Authority.id.in_(tree))
        return form

    def apply_rules(self, form, model, is_created):
        model.username = (model.username or "").strip()
        taken = Account.select().where(Account.username == model.username)
        if not is_created:
            taken = taken.where(Account.id != model.id)
        if taken.exists():
            raise RuleViolation(f"账号“{model.username}”已被使用")
        if model.role in ("reviewer", "province_admin") and model.authority is None:
            raise RuleViolation("审核人员和省级管理员须选择会计管理机构")
        if model.role == "unit_head" and model.unit is None:
            raise RuleViolation("单位会计机构负责人须选择单位")
        if model.id == current_user.id and (model.role != "province_admin" or not model.is_enabled):
            raise RuleViolation("不能停用自己的账号或改变自己的角色")
        if is_created:
            model._new_password = issue_password(model)
            model.created_at = clock.now()

    def after_model_change(self, form, model, is_created):
        super().after_model_change(form, model, is_created)
        if not model.is_enabled:
            sessions.end_all(model, "停用账号", by=current_user)
        if is_created:
            flash(
                f"已创建账号 {model.username}，初始密码：{model._new_password}（只显示这一次，首次登录须修改）",
                "success",
            )

    @action("reset_password", "重置密码", "确定为选中的账号重置密码？原密码将失效。")
    def reset_password(self, ids):
        for account in self.get_query().where(Account.id.in_([int(i) for i in ids])):
            password = issue_password(account)
            account.save()
            audit.record("account.reset_password", account)
            flash(f"账号 {account.username} 的新密码：{password}（只显示这一次，首次登录须修改）", "success")

    @action("end_sessions", "结束全部会话", "确定结束选中账号的全部登录会话？这些账号须重新登录。")
    def end_sessions(self, ids):
        for account in self.get_query().where(Account.id.in_([int(i) for i in ids])):
            ended = sessions.end_all(account, "管理员结束会话", by=current_user)
            flash(f"已结束账号 {account.username} 的 {ended} 个登录会话", "success")

    @action("unlock", "解除锁定")
    def unlock(self, ids):
        query = self.get_query().where(Account.id.in_([int(i) for i in ids]), Account.locked_until.is_null(False))
        for account in query:
            account.failed_logins, account.locked_until = 0, None
            account.save()
            audit.record("account.unlock", account)
            flash(f"已解除账号 {account.username} 的锁定", "success")

    @expose("/import/", methods=("GET", "POST"))
    def import_view(self):
        """导入审核人员账号: checked whole, written whole or not at all, the errors listed by line; the passwords
        go by SMS, never onto the page."""
        form = ImportForm()
        admin = current_user._get_current_object()
        created, errors, status = small_import(form, lambda name, stream: staff_import.import_file(name, stream, admin))
        if created is not None:
            flash(f"已导入 {created} 个账号，初始密码已用短信发到各自的手机，首次登录须修改", "success")
            return redirect(url_for(".index_view"))
        context = {
            "header": staff_import.HEADER,
            "limit": staff_import.MAX_ACCOUNTS,
            "roles": staff_import.allowed_roles(_administered()),
        }
        return self.render("console/account_import.html", form=form, errors=errors, **context), status
