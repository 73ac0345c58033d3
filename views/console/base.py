"""What every console view shares: role checks on the server, CSRF, no deletes, safe paging."""

from flask import abort, has_request_context
from flask_admin import AdminIndexView
from flask_admin.contrib.peewee import ModelView
from flask_admin.contrib.peewee.form import CustomModelConverter, get_form
from flask_admin.model import typefmt
from flask_login import current_user
from markupsafe import Markup
from playhouse.shortcuts import model_to_dict
from wtforms.validators import ValidationError
from wtfpeewee.fields import SelectQueryField
from wtfpeewee.orm import FieldInfo

from console.errors import RuleViolation
from console.infra import audit, clock, memo
from console.org import access
from console.org.access import heads
from models import Accountant, Unit
from views.auth import deny
from views.forms import Form


def beijing_time(attribute, fmt="%Y-%m-%d %H:%M"):
    """A column formatter that shows a stored UTC time in Beijing time."""

    def format_cell(view, context, model, name):
        moment = getattr(model, attribute)
        return clock.to_beijing(moment).strftime(fmt) if moment else ""

    return format_cell


def yes_no(view, value, name):
    """A boolean as the word a reader expects, not an icon titled "true"."""
    return Markup('<span class="text-success">是</span>') if value else "否"


FORMATTERS = {**typefmt.BASE_FORMATTERS, bool: yes_no}
DETAIL_FORMATTERS = {**typefmt.DETAIL_FORMATTERS, bool: yes_no}


class IdSelectField(SelectQueryField):
    """A foreign-key <select>: a submitted value that is no id is an invalid choice, not a database error."""

    def get_model(self, pk):
        try:
            return super().get_model(int(pk))
        except (TypeError, ValueError):
            return None

    def pre_validate(self, form):
        data = self.data  # field filters may have set it back to the raw text
        if data is not None and not isinstance(data, self.model) and not str(data).isdigit():
            raise ValidationError(self.gettext("Not a valid choice."))
        super().pre_validate(form)


class ConsoleConverter(CustomModelConverter):
    def handle_foreign_key(self, model, field, **kwargs):
        if field.name in getattr(self.view, "_form_ajax_refs", {}):
            return super().handle_foreign_key(model, field, **kwargs)
        return FieldInfo(
            field.name,
            IdSelectField(query=field.rel_model.select(), allow_blank=field.null, blank_text="（无）", **kwargs),
        )


class DatabaseOptions:
    """For a filter whose choices come from the database: read them per request, not at start-up."""

    def get_options(self, view):
        return self.options() if has_request_context() else None


class RoleGate:
    """Who may open a view (read_roles) and who may change through it (write_roles)."""

    read_roles = frozenset()
    write_roles = frozenset()
    # View methods that change data; a read-only role gets 403 on each.
    write_views = frozenset({"create_view", "edit_view", "delete_view", "action_view", "ajax_update"})
    # View methods only some of the view's roles may use: {method: roles}, e.g. the bureau's confirmation on a
    # page a unit head also works.
    method_roles = {}

    def is_accessible(self):
        return current_user.is_authenticated and current_user.role in self.read_roles | self.write_roles

    def may_write(self):
        return current_user.is_authenticated and current_user.role in self.write_roles

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    def _handle_view(self, name, **kwargs):
        writes = name in self.write_views
        allowed = self.method_roles.get(name)
        if not self.is_accessible() or (writes and not self.may_write()) or not self.offers(name):
            return deny()
        if allowed is not None and current_user.role not in allowed:
            return deny()
        return None

    def offers(self, name):
        """Whether this view offers the Flask-Admin method at all (Flask-Admin would redirect instead)."""
        return True

    # Object permissions: whether the signed-in account may read a record, and decide it. A view narrows them
    # where its records need more (a draft collection is its applicant's alone).
    def may_read(self, record):
        return access.may_read(current_user, record)

    def may_decide(self, record):
        return access.may_decide(current_user, record)

    def readable_or_404(self, record):
        """The record, when it exists and may be read here; 404 otherwise, whether it exists or not."""
        if record is None or not self.may_read(record):
            abort(404)
        return record

    def decidable_or_403(self, record):
        """The record, when it may be decided here: 404 when it may not even be read, 403 when only read."""
        if record is not None and self.may_decide(record):
            return record  # deciding implies reading: no need to read the authority tree
        self.readable_or_404(record)
        abort(403)


class ProvinceGate(RoleGate):
    """A page of the whole province's (its settings, its samples, the national report): the admin at the province
    only, checked on each request; the menu (views.console.menu) shows it to that admin alone."""

    read_roles = write_roles = frozenset({"province_admin"})

    def is_visible(self):
        return at_province(current_user)

    def _handle_view(self, name, **kwargs):
        if current_user.is_authenticated and not at_province(current_user):
            return deny()  # an admin at a city or county bureau keeps its own tree
        return super()._handle_view(name, **kwargs)


def at_province(account):
    """An admin at the province itself (the menu of an admin below it lacks the province's pages)."""
    return account.role == "province_admin" and access.administered_authorities(account) is None


class ConsoleIndexView(RoleGate, AdminIndexView):
    pass


class ConsoleModelView(RoleGate, ModelView):
    form_base_class = Form
    model_form_converter = ConsoleConverter
    can_delete = False  # records are deactivated or merged, never deleted from a list
    can_view_details = True
    page_size = 50
    can_set_page_size = False
    allow_create = True
    allow_edit = True
    form_edit_columns = None  # fields of the edit form, when fewer than form_columns
    audit_name = None  # "authority" → audit actions authority.create / authority.update
    audit_excluded = frozenset({"password_hash"})
    column_type_formatters = FORMATTERS
    column_type_formatters_detail = DETAIL_FORMATTERS

    def search_placeholder(self):
        labels = [self.column_labels.get(name, name) for name in self.column_searchable_list or ()]
        return f"按{'、'.join(labels)}搜索" if labels else ""

    def _labelled_form_args(self):
        """Every form field labelled as its column is: the model's field names are English."""
        args = {name: {"label": label} for name, label in (self.column_labels or {}).items()}
        for name, extra in (self.form_args or {}).items():
            args[name] = {**args.get(name, {}), **extra}
        return args

    def scaffold_form(self):
        self.form_args = self._labelled_form_args()
        return super().scaffold_form()

    def offers(self, name):
        offered = {
            "create_view": self.can_create,
            "edit_view": self.can_edit,
            "delete_view": self.can_delete,
            "details_view": self.can_view_details,
            "export": self.can_export,
            "ajax_update": bool(self.column_editable_list),
            "ajax_lookup": bool(self._form_ajax_refs),
            "action_view": any(self.is_action_allowed(action) for action, _ in self._actions),
        }
        return offered.get(name, True)

    @property
    def can_create(self):
        return self.allow_create and self.may_write()

    @property
    def can_edit(self):
        return self.allow_edit and self.may_write()

    def details_context(self, model):
        """What the details page shows beside the record, computed (and any read audited) in the view."""
        return {}

    def render(self, template, **kwargs):
        if template == self.details_template and "model" in kwargs:
            kwargs.update(self.details_context(kwargs["model"]))
        return super().render(template, **kwargs)

    def get_one(self, id):
        """By id, but only within get_query(): the stock backend would ignore the view's scope."""
        try:
            key = int(id)
        except (TypeError, ValueError):
            return None
        return self.get_query().where(self.model.id == key).first()

    def _get_filter_groups(self):
        self._refresh_filters_cache()  # so DatabaseOptions filters show today's choices
        return super()._get_filter_groups()

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        if sort_column not in self._sortable_columns:
            sort_column = None  # the stock view answers a bad ?sort= with a 500
        return super().get_list(
            max(page or 0, 0), sort_column, sort_desc, search, filters, execute=execute, page_size=page_size
        )

    def get_edit_form(self):
        if self.form_edit_columns is None:
            return super().get_edit_form()
        return get_form(
            self.model,
            self.model_form_converter(self),
            base_class=self.form_base_class,
            only=self.form_edit_columns,
            field_args=self._labelled_form_args(),
        )

    def on_model_change(self, form, model, is_created):
        try:
            self.apply_rules(form, model, is_created)
        except RuleViolation as violation:
            raise ValidationError(str(violation)) from violation
        if not is_created:
            model._audit_before = self._audit_values(type(model).get_by_id(model.id))

    def apply_rules(self, form, model, is_created):
        """Domain checks and derived values before a save; raise RuleViolation to refuse."""

    def after_model_change(self, form, model, is_created):
        memo.forget()  # what the request remembered of the tree may have changed
        after = self._audit_values(model)
        before = getattr(model, "_audit_before", {})
        changes = {k: {"原": before.get(k), "改为": v} for k, v in after.items() if before.get(k) != v}
        label = self.column_labels.get
        detail = after if is_created else changes
        audit.record(
            f"{self.audit_name}.{'create' if is_created else 'update'}",
            model,
            {label(k, k): v for k, v in detail.items()},
        )

    def _audit_values(self, model):
        return {k: v for k, v in model_to_dict(model, recurse=False).items() if k not in self.audit_excluded}


def own_unit():
    """A unit head's own unit; any other role is refused."""
    if current_user.role != "unit_head" or current_user.unit_id is None:
        abort(403)
    return Unit.get_by_id(current_user.unit_id)


def own_person(accountant_id):
    """One of the head's unit's people; anyone else is not found, as elsewhere in the console."""
    person = Accountant.get_or_none(Accountant.id == accountant_id)
    if person is None or not heads(current_user, person):
        abort(404)
    return person
