"""The unit accounting head's console, scoped to the own unit: its accountants, departures, the yearly
appraisal grid, credit records, and the unit's own details; and the bureau's side of the same work
(closing an appraisal year, confirming credit records). Rules: console.appraisals, work_history,
credit_records, units."""
from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from flask_wtf import FlaskForm
from peewee import JOIN
from wtforms import DateField, SelectField, StringField, TextAreaField

from console import appraisals, clock, credit_records, units, work_history
from console.errors import RuleViolation
from console.identity import mask_id
from console.scope import heads, readable_authorities
from models import Accountant, Collection, CreditRecord, PostSection, Unit, UnitChange, WorkPeriod
from models.appraisal import GRADES
from models.credit_record import CREDIT_KINDS, CREDIT_STATES
from models.unit_change import CHANGE_STATES
from views.console.base import RoleGate, posted

NOTE_LABELS = dict(zip(appraisals.NOTES, "德能勤绩廉"))


def today():
    return clock.to_beijing(clock.now()).date()


def own_unit():
    if current_user.role != "unit_head" or current_user.unit_id is None:
        abort(403)
    return Unit.get_by_id(current_user.unit_id)


def own_person(accountant_id):
    """One of the unit's people; anyone else is not found, as elsewhere in the console."""
    person = Accountant.get_or_none(Accountant.id == accountant_id)
    if person is None or not heads(current_user, person):
        abort(404)
    return person


class DepartureForm(FlaskForm):
    day = DateField("离岗日期")


class UnitPeopleView(RoleGate, BaseView):
    """本单位会计人员: on duty and not, with their posts; a departure is reported from here."""
    read_roles = write_roles = frozenset({"unit_head"})
    write_views = frozenset({"departure"})

    @expose("/")
    def index(self):
        unit = own_unit()
        post = PostSection.alias()
        people = (Accountant.select(Accountant, post.post, post.admin_post)
                  .join(Collection, JOIN.LEFT_OUTER, on=(Collection.accountant == Accountant.id)
                        & (Collection.status == "approved"))
                  .join(post, JOIN.LEFT_OUTER, on=post.collection == Collection.id)
                  .where(Accountant.unit == unit).order_by(Accountant.on_duty.desc(), Accountant.name).objects())
        periods = {}
        for period in WorkPeriod.select().join(Accountant).where(Accountant.unit == unit):
            periods.setdefault(period.accountant_id, []).append(period)
        years = {pid: work_history.accounting_work_years(found, today()) for pid, found in periods.items()}
        return self.render("console/unit_people.html", unit=unit, people=list(people), years=years, mask_id=mask_id)

    @expose("/<int:accountant_id>/departure", methods=("GET", "POST"))
    def departure(self, accountant_id):
        person = own_person(accountant_id)
        form = DepartureForm()
        if posted(form):
            try:
                work_history.report_departure(person, form.day.data, current_user._get_current_object(), today())
            except RuleViolation as refusal:
                form.day.errors = [str(refusal)]
                return self.render("console/departure.html", person=person, form=form), 422
            flash(f"已报告 {person.name} 于 {form.day.data:%Y-%m-%d} 离岗", "success")
            return redirect(url_for(".index"))
        return self.render("console/departure.html", person=person, form=form)


class AppraisalView(RoleGate, BaseView):
    """年度考评: the head's grid for a year; the bureau's progress per unit and the close button."""
    read_roles = write_roles = frozenset({"unit_head", "reviewer"})
    write_views = frozenset({"save", "close"})

    def _year(self):
        return request.values.get("year", today().year - 1, type=int)

    @expose("/")
    def index(self):
        year = self._year()
        if current_user.role == "reviewer":
            return self.render("console/appraisal_progress.html", year=year,
                               rows=appraisals.progress(current_user.authority_id, year),
                               closed=appraisals.closing(current_user.authority_id, year),
                               form=FlaskForm())
        return self._grid(own_unit(), year, {}, {})

    def _grid(self, unit, year, typed, errors, status=200):
        return self.render("console/appraisal_grid.html", unit=unit, year=year, rows=appraisals.grid(unit, year),
                           closed=appraisals.is_closed(unit, year), grades=GRADES, notes=NOTE_LABELS,
                           typed=typed, errors=errors, form=FlaskForm(), this_year=today().year), status

    @expose("/save", methods=("POST",))
    def save(self):
        unit, year = own_unit(), self._year()
        if not FlaskForm().validate_on_submit():
            abort(400)
        entries = {}
        for key in request.form:
            if key.startswith("grade-") and key[6:].isdigit():
                person = int(key[6:])
                entries[person] = {"grade": request.form[key],
                                   **{n: request.form.get(f"{n}-{person}", "") for n in appraisals.NOTES}}
        try:
            saved = appraisals.save(unit, year, entries, current_user._get_current_object(), today().year)
        except appraisals.GridRefused as refusal:
            flash(str(refusal), "error")
            return self._grid(unit, year, request.form, refusal.errors, 422)
        except RuleViolation as refusal:
            flash(str(refusal), "error")
            return self._grid(unit, year, request.form, {}, 422)
        flash(f"已保存 {year} 年度考评 {saved} 人", "success")
        return redirect(url_for(".index", year=year))

    @expose("/close", methods=("POST",))
    def close(self):
        if current_user.role != "reviewer":
            abort(403)
        if not FlaskForm().validate_on_submit():
            abort(400)
        year = self._year()
        if not 2000 <= year < today().year + 1:
            abort(400)
        appraisals.close_year(current_user.authority, year, current_user._get_current_object())
        flash(f"已关闭 {year} 年度考评，各单位不能再修改", "success")
        return redirect(url_for(".index", year=year))


class CreditRecordForm(FlaskForm):
    accountant = SelectField("会计人员", coerce=int, validate_choice=False)
    kind = SelectField("类别", choices=[("", "请选择")] + list(CREDIT_KINDS))
    occurred_on = DateField("发生日期")
    description = TextAreaField("事由")


class CreditRecordView(RoleGate, BaseView):
    """会计信用信息: the head reports 守信 / 失信 for the unit's people; the bureau confirms them."""
    read_roles = write_roles = frozenset({"unit_head", "reviewer"})
    write_views = frozenset({"report", "decide"})

    @expose("/", methods=("GET",))
    def index(self):
        return self._page(self._form())

    def _page(self, form, status=200):
        """The unit's records for its head; the records awaiting confirmation first for the bureau."""
        query = (CreditRecord.select(CreditRecord, Accountant).join(Accountant)
                 .order_by(CreditRecord.status != "pending", CreditRecord.entered_at.desc()).limit(200))
        if current_user.role == "unit_head":
            query = query.where(Accountant.unit == own_unit())
        else:
            query = query.where(Accountant.authority.in_(readable_authorities(current_user)))
        return self.render("console/credit_records.html", records=list(query), form=form, kinds=dict(CREDIT_KINDS),
                           states=dict(CREDIT_STATES), decision=FlaskForm(), mask_id=mask_id), status

    def _form(self):
        if current_user.role != "unit_head":
            return None
        form = CreditRecordForm()
        form.accountant.choices = [(0, "请选择")] + [
            (p.id, f"{p.name}（{mask_id(p.id_number)}）") for p in
            Accountant.select().where(Accountant.unit == current_user.unit_id).order_by(Accountant.name)]
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
            credit_records.report(person, form.kind.data, form.occurred_on.data, form.description.data,
                                  current_user._get_current_object(), today())
        except RuleViolation as refusal:
            getattr(form, refusal.field or "description").errors = [str(refusal)]
        else:
            flash("已报送，经会计管理机构确认后生效", "success")
            return redirect(url_for(".index"))
        return self._page(form, 422)

    @expose("/<int:record_id>/decide", methods=("POST",))
    def decide(self, record_id):
        if current_user.role != "reviewer":
            abort(403)
        record = CreditRecord.get_or_none(CreditRecord.id == record_id)
        if record is None or record.accountant.authority_id not in readable_authorities(current_user):
            abort(404)
        if not FlaskForm().validate_on_submit():
            abort(400)
        try:
            credit_records.decide(record, current_user._get_current_object(), request.form.get("decision") == "confirm")
            flash("已处理", "success")
        except RuleViolation as refusal:
            flash(str(refusal), "error")
        return redirect(url_for(".index"))


class ContactForm(FlaskForm):
    address = StringField("单位地址")
    phone = StringField("单位电话")


class ChangeForm(FlaskForm):
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
        return self.render("console/my_unit.html", unit=unit, contact=contact, change=change, changes=changes,
                           states=dict(CHANGE_STATES)), status

    @expose("/contact", methods=("POST",))
    def contact(self):
        unit = own_unit()
        form = ContactForm()
        if not form.validate_on_submit():
            abort(400)
        try:
            units.update_contact(unit, form.address.data, form.phone.data, current_user._get_current_object())
        except RuleViolation as refusal:
            getattr(form, refusal.field or "address").errors = [str(refusal)]
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
            units.request_change(unit, form.name.data, form.uscc.data, form.region_code.data,
                                 current_user._get_current_object())
        except RuleViolation as refusal:
            field = {"unit_uscc": "uscc"}.get(refusal.field, refusal.field) or "name"
            getattr(form, field).errors = [str(refusal)]
            return self._page(unit, ContactForm(obj=unit), form, 422)
        flash("变更申请已提交，经会计管理机构确认后生效", "success")
        return redirect(url_for(".index"))
