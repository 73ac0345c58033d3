"""本单位信息: the head edits the unit's address and phone directly, and asks for a new name, USCC or region,
which the bureau confirms. Rules: console.org.units."""

from flask import abort, flash, redirect, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from wtforms import StringField

from console.errors import RuleViolation
from console.org import units
from console.profiles import current_profile
from models import UnitChange
from models.unit_change import CHANGE_STATES
from views.console.base import RoleGate, own_unit
from views.forms import Form, attach_violation


class ContactForm(Form):
    address = StringField("单位地址")
    phone = StringField("单位电话")


class ChangeForm(Form):
    name = StringField("单位全称")
    uscc = StringField("统一社会信用代码")
    region_code = StringField("所在地区代码")


class MyUnitView(RoleGate, BaseView):
    """本单位信息: address and phone edited directly; name, USCC and region asked for, then confirmed."""

    read_roles = write_roles = frozenset({"unit_head"})
    write_views = frozenset({"contact", "change"})

    @expose("/")
    def index(self):
        unit = own_unit()
        return self._page(unit, ContactForm(obj=unit), ChangeForm(obj=unit))

    def _page(self, unit, contact, change, status=200):
        changes = list(UnitChange.select().where(UnitChange.unit == unit).order_by(UnitChange.id.desc()).limit(5))
        return self.render(
            "console/my_unit.html",
            unit=unit,
            contact=contact,
            change=change,
            changes=changes,
            states=CHANGE_STATES.labels,
        ), status

    @expose("/contact", methods=("POST",))
    def contact(self):
        unit = own_unit()
        form = ContactForm()
        if not form.validate_on_submit():
            abort(400)
        try:
            units.update_contact(unit, form.address.data, form.phone.data, current_user._get_current_object())
        except RuleViolation as refusal:
            attach_violation(form, refusal, "address")
            return self._page(unit, form, ChangeForm(obj=unit), 422)
        flash("已保存单位地址和电话", "success")
        return redirect(url_for(".index"))

    @expose("/change", methods=("POST",))
    def change(self):
        unit = own_unit()
        form = ChangeForm()
        if not form.validate_on_submit():
            abort(400)
        try:
            units.request_change(
                unit,
                form.name.data,
                form.uscc.data,
                form.region_code.data,
                current_user._get_current_object(),
                current_profile,
            )
        except RuleViolation as refusal:
            attach_violation(form, refusal, "name")
            return self._page(unit, ContactForm(obj=unit), form, 422)
        flash("变更申请已提交，经会计管理机构确认后生效", "success")
        return redirect(url_for(".index"))
