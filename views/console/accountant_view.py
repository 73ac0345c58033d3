"""会计人员档案: the people a bureau keeps (the province admin: everyone), found by ID, its last four,
phone or name prefix; each record with its work history, appraisals, credits and credit records.
Never deleted or edited here: changes come through 信息变更; someone in 异动 is restored with a reason. The
bureau that manages the person records on their page a 自然减员 (and undoes it), a credit record and
continuing-education credits from a proof (console.archive.departures, credit_records, education_credits)."""

from flask import flash, g, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.peewee.filters import BooleanEqualFilter, FilterEqual
from flask_login import current_user
from flask_wtf.file import FileField
from peewee import JOIN
from wtforms import DateField, SelectField, StringField, TextAreaField

from console.archive import credit_records, departures, education_credits, registry, work_history
from console.collection import education_record
from console.errors import RuleViolation
from console.infra import audit, clock
from console.org.access import may_decide, readable_authorities
from console.people.identity import mask_id, mask_phone
from console.profiles import current_profile
from console.review import worklist
from models import Accountant, Appraisal, Authority, CreditRecord, EducationCredit, Unit, WorkPeriod
from models.accountant import ARCHIVE_STATES
from models.appraisal import GRADES
from models.credit_record import CREDIT_KINDS, CREDIT_SOURCES, CREDIT_STATES
from models.departure import DEPARTURE_KINDS
from views.console.base import ConsoleModelView
from views.console.unit_view import AuthorityFilter, readable_authority_options
from views.forms import Form, attach_violation, posted


class RestoreForm(Form):
    reason = TextAreaField("恢复原因")


# The page holds several forms: each field has an id of its own; the names are the domain's, for its refusals.
class DepartureForm(Form):
    kind = SelectField("减员类型", choices=DEPARTURE_KINDS.options("请选择"), id="departure-kind")
    departed_on = DateField("减员日期", id="departure-day")
    reason = TextAreaField("减员原因", id="departure-reason")


class UndoDepartureForm(Form):
    reason = TextAreaField("撤销原因", id="undo-reason")


class BureauCreditForm(Form):
    kind = SelectField("类别", choices=CREDIT_KINDS.options("请选择"), id="credit-kind")
    occurred_on = DateField("发生日期", id="credit-day")
    description = TextAreaField("事由", id="credit-description")


class EducationCreditForm(Form):
    year = StringField("年度", id="education-year")
    provider = StringField("培训机构或项目", id="education-provider")
    credits = StringField("学分", id="education-credits")
    professional_credits = StringField("其中专业科目学分", id="education-professional")
    proof = FileField("继续教育学分证明（扫描件）", id="education-proof")


FORMS = {
    "departure": DepartureForm,
    "undo_departure": UndoDepartureForm,
    "credit": BureauCreditForm,
    "education": EducationCreditForm,
}


class IdCorrectionForm(Form):
    id_number = StringField("新证件号码")
    proof = FileField("公安机关出具的证件号码变更证明（扫描件）")


class AccountantView(ConsoleModelView):
    read_roles = frozenset({"reviewer", "province_admin"})
    write_roles = frozenset({"reviewer"})
    write_views = ConsoleModelView.write_views | {
        "restore_view",
        "correct_view",
        "depart_view",
        "undo_departure_view",
        "credit_view",
        "education_view",
    }
    allow_create = allow_edit = False
    simple_list_pager = True  # no COUNT over a million people
    details_template = "console/accountant_details.html"

    column_list = ("name", "id_number", "phone", "unit", "authority", "on_duty", "archive_state")
    column_labels = {
        "name": "姓名",
        "id_number": "证件号码",
        "phone": "手机号码",
        "unit": "单位",
        "authority": "会计管理机构",
        "on_duty": "在岗",
        "archive_state": "档案状态",
    }
    column_searchable_list = ("name",)  # shows the box; the search itself is worklist.accountant_clause
    column_sortable_list = ()
    column_default_sort = ("id", True)
    column_filters = (
        AuthorityFilter(Accountant.authority, "会计管理机构", options=readable_authority_options),
        FilterEqual(Accountant.archive_state, "档案状态", options=ARCHIVE_STATES),
        BooleanEqualFilter(Accountant.on_duty, "在岗"),
    )
    column_formatters = {
        "id_number": lambda v, c, m, p: mask_id(m.id_number),
        "phone": lambda v, c, m, p: mask_phone(m.phone),
        "archive_state": lambda v, c, m, p: ARCHIVE_STATES.label(m.archive_state),
    }

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        g.registry_search = (search or "").strip()
        return super().get_list(page, sort_column, sort_desc, None, filters, execute=execute, page_size=page_size)

    def get_query(self):
        query = (
            Accountant.select(Accountant, Unit, Authority)
            .join_from(Accountant, Unit, JOIN.LEFT_OUTER)
            .join_from(Accountant, Authority)
        )
        readable = readable_authorities(current_user)
        if readable is not None:
            query = query.where(Accountant.authority.in_(readable))
        if g.get("registry_search"):
            query = query.where(worklist.accountant_clause(g.registry_search))
        return query

    def _handle_join(self, query, field, joins):
        return query  # get_query has joined what the filters name

    def details_context(self, person):
        return {"record": self._record(person)}

    def _record(self, person):
        """The record's history, read once for the details page, which is a sensitive read."""
        audit.record("accountant.read", person, {"姓名": person.name})
        periods = list(
            WorkPeriod.select(WorkPeriod, Unit)
            .join(Unit, JOIN.LEFT_OUTER)
            .where(WorkPeriod.accountant == person)
            .order_by(WorkPeriod.started_on)
        )
        today = clock.today()
        decides = may_decide(current_user, person)
        refused = g.get("refused", {})
        return {
            "periods": periods,
            "work_years": work_history.accounting_work_years(
                periods, today, work_history.studies_end([person.id]).get(person.id)
            ),
            "credentials": education_record.archived(person, current_profile),
            "appraisals": list(
                Appraisal.select().where(Appraisal.accountant == person).order_by(Appraisal.year.desc())
            ),
            "credits": list(
                EducationCredit.select()
                .where(EducationCredit.accountant == person)
                .order_by(EducationCredit.year.desc())
            ),
            "records": list(
                CreditRecord.select().where(CreditRecord.accountant == person).order_by(CreditRecord.occurred_on.desc())
            ),
            "departure": departures.standing(person) if person.archive_state == "departed" else None,
            "grades": GRADES.labels,
            "archive_states": ARCHIVE_STATES.labels,
            "kinds": CREDIT_KINDS.labels,
            "sources": CREDIT_SOURCES.labels,
            "record_states": CREDIT_STATES.labels,
            "departure_kinds": DEPARTURE_KINDS.labels,
            "may_restore": person.archive_state == "abnormal" and decides,
            "may_correct": decides,
            "may_depart": person.archive_state == "archived" and decides,
            "may_undo_departure": person.archive_state == "departed" and decides,
            "may_record": person.archive_state in credit_records.ON_RECORD and decides,
            "restore_form": RestoreForm(),
            "forms": {name: refused.get(name) or form() for name, form in FORMS.items()},
            "mask_id": mask_id,
            "mask_phone": mask_phone,
        }

    @expose("/restore/", methods=("POST",))
    def restore_view(self):
        person = self.get_one(request.args.get("id"))
        if person is None:
            flash("人员不存在", "error")
            return redirect(url_for(".index_view"))
        form = RestoreForm()
        posted(form)
        try:
            registry.restore(person, form.reason.data, current_user._get_current_object())
            flash(f"已将 {person.name} 从异动库恢复", "success")
        except RuleViolation as refusal:
            flash(str(refusal), "error")
        return redirect(url_for(".details_view", id=person.id))

    @expose("/correct/", methods=("GET", "POST"))
    def correct_view(self):
        """更正证件号码, by the bureau that manages the person (console.archive.registry.correct_id_number)."""
        person = self.get_one(request.args.get("id"))
        if person is None or not may_decide(current_user, person):
            flash("该人员不属于本机构管理，不能更正其证件号码", "error")
            return redirect(url_for(".index_view"))
        form = IdCorrectionForm()
        if form.validate_on_submit():
            proof = form.proof.data.read() if form.proof.data else b""
            try:
                registry.correct_id_number(person, form.id_number.data, proof, current_user, current_profile)
            except RuleViolation as refusal:
                attach_violation(form, refusal)
            else:
                flash(f"已更正 {person.name} 的证件号码", "success")
                return redirect(url_for(".details_view", id=person.id))
        return self.render("console/id_correction.html", person=person, form=form, masked=mask_id(person.id_number))

    def _managed(self):
        """The person of ?id= when the signed-in reviewer's bureau manages them: 404 outside its tree (as if there
        were no such person), 403 for a bureau above theirs, which reads but does not decide."""
        return self.decidable_or_403(self.get_one(request.args.get("id")))

    def _details(self, person, status):
        page = self.render(
            self.details_template,
            model=person,
            details_columns=self._details_columns,
            get_value=self.get_detail_value,
            return_url=url_for(".index_view"),
        )
        return page, status

    def _recorded(self, person, name, act, done):
        """The page's form `name` posted to `act` (a function of the form): back to the person's page saying
        `done`, or the page again, 422, with the refusal at its field and what was typed kept."""
        form = FORMS[name]()
        posted(form)
        try:
            act(form)
        except RuleViolation as refusal:
            attach_violation(form, refusal)
            g.refused = {name: form}
            return self._details(person, 422)
        flash(done, "success")
        return redirect(url_for(".details_view", id=person.id))

    @expose("/depart/", methods=("POST",))
    def depart_view(self):
        """自然减员: 退休, 死亡 or 离开会计行业, on a day not in the future, with a reason."""
        person = self._managed()
        return self._recorded(
            person,
            "departure",
            lambda form: departures.depart(
                person,
                form.kind.data,
                form.departed_on.data,
                form.reason.data,
                current_user._get_current_object(),
                current_profile,
                clock.today(),
            ),
            f"已将 {person.name} 登记为自然减员",
        )

    @expose("/depart/undo/", methods=("POST",))
    def undo_departure_view(self):
        person = self._managed()
        return self._recorded(
            person,
            "undo_departure",
            lambda form: departures.undo(person, form.reason.data, current_user._get_current_object(), current_profile),
            f"已撤销 {person.name} 的自然减员登记，恢复在库",
        )

    @expose("/credit/", methods=("POST",))
    def credit_view(self):
        """会计管理机构记载 a 守信 or 失信 record: in force at once (002 §十二(五))."""
        person = self._managed()
        return self._recorded(
            person,
            "credit",
            lambda form: credit_records.record_directly(
                person,
                form.kind.data,
                form.occurred_on.data,
                form.description.data,
                current_user._get_current_object(),
                current_profile,
                clock.today(),
            ),
            "已记载信用信息",
        )

    @expose("/education/", methods=("POST",))
    def education_view(self):
        """继续教育学分 entered by hand, with the scan of its proof."""
        person = self._managed()
        return self._recorded(
            person,
            "education",
            lambda form: education_credits.enter(
                person,
                form.year.data,
                form.provider.data,
                form.credits.data,
                form.professional_credits.data,
                form.proof.data.read() if form.proof.data else b"",
                current_user._get_current_object(),
                current_profile,
                clock.today().year,
            ),
            "已记载继续教育学分",
        )
