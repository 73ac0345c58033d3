"""会计信用信息: the head reports 守信 / 失信 for the unit's people; the bureau confirms them, and sees beside them
the records the people declared themselves and those it recorded (on the person's page, views.console.accountant_view).
Rules: console.archive.credit_records."""

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from wtforms import DateField, SelectField, TextAreaField

from console.archive import credit_records
from console.errors import RuleViolation
from console.infra import clock
from console.org.access import readable_authorities
from console.people.identity import mask_id
from console.profiles import current_profile
from models import Accountant, CreditRecord
from models.credit_record import CREDIT_KINDS, CREDIT_SOURCES, CREDIT_STATES
from views.console.base import RoleGate, own_unit
from views.forms import Form, attach_violation, options, posted


class CreditRecordForm(Form):
    accountant = SelectField("会计人员", coerce=int, validate_choice=False)
    kind = SelectField("类别", choices=options([("", "请选择")] + list(CREDIT_KINDS)))
    occurred_on = DateField("发生日期")
    description = TextAreaField("事由")


class CreditRecordView(RoleGate, BaseView):
    """会计信用信息: the head reports 守信 / 失信 for the unit's people; the bureau confirms them."""

    read_roles = write_roles = frozenset({"unit_head", "reviewer"})
    write_views = frozenset({"report", "decide"})
    method_roles = {"report": {"unit_head"}, "decide": {"reviewer"}}

    @expose("/", methods=("GET",))
    def index(self):
        return self._page(self._form())

    def _page(self, form, status=200):
        """The unit's records for its head; the records awaiting confirmation first for the bureau."""
        query = (
            CreditRecord.select(CreditRecord, Accountant)
            .join(Accountant)
            .order_by(CreditRecord.status != "pending", CreditRecord.entered_at.desc())
            .limit(200)
        )
        if current_user.role == "unit_head":
            query = query.where(Accountant.unit == own_unit())
        else:
            query = query.where(Accountant.authority.in_(readable_authorities(current_user)))
        return self.render(
            "console/credit_records.html",
            records=list(query),
            form=form,
            kinds=CREDIT_KINDS.labels,
            sources=CREDIT_SOURCES.labels,
            states=CREDIT_STATES.labels,
            decision=Form(),
            mask_id=mask_id,
        ), status

    def _form(self):
        if current_user.role != "unit_head":
            return None
        form = CreditRecordForm()
        form.accountant.choices = options(
            [(0, "请选择")]
            + [
                (p.id, f"{p.name}（{mask_id(p.id_number)}）")
                for p in Accountant.select().where(Accountant.unit == current_user.unit_id).order_by(Accountant.name)
            ]
        )
        return form

    @expose("/", methods=("POST",))
    def report(self):
        own_unit()
        form = self._form()
        posted(form)  # 400 unless the CSRF token holds
        try:
            person = Accountant.get_or_none(Accountant.id == form.accountant.data)
            if person is None:
                raise RuleViolation("请选择本单位的会计人员", "accountant")
            credit_records.report(
                person,
                form.kind.data,
                form.occurred_on.data,
                form.description.data,
                current_user._get_current_object(),
                clock.today(),
            )
        except RuleViolation as refusal:
            attach_violation(form, refusal, "description")
        else:
            flash("已报送，经会计管理机构确认后生效", "success")
            return redirect(url_for(".index"))
        return self._page(form, 422)

    @expose("/<int:record_id>/decide", methods=("POST",))
    def decide(self, record_id):
        record = CreditRecord.get_or_none(CreditRecord.id == record_id)
        self.readable_or_404(record and record.accountant)
        if not Form().validate_on_submit():
            abort(400)
        try:
            credit_records.decide(
                record, current_user._get_current_object(), request.form.get("decision") == "confirm", current_profile
            )
            flash("已处理", "success")
        except RuleViolation as refusal:
            flash(str(refusal), "error")
        return redirect(url_for(".index"))
