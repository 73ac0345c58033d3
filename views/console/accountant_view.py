"""会计人员档案: the people a bureau keeps (the province admin: everyone), found by ID, its last four,
phone or name prefix; each record with its work history, appraisals, credits and credit records.
Never deleted or edited here: changes come through 信息变更; someone in 异动 is restored with a reason."""

from flask import flash, g, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.peewee.filters import BooleanEqualFilter, FilterEqual
from flask_login import current_user
from flask_wtf.file import FileField
from peewee import JOIN
from wtforms import StringField, TextAreaField

from console.archive import registry, work_history
from console.errors import RuleViolation
from console.infra import audit, clock
from console.org.access import may_decide, readable_authorities
from console.people.identity import mask_id, mask_phone
from console.profiles import current_profile
from console.review import worklist
from models import Accountant, Appraisal, Authority, CreditRecord, EducationCredit, Unit, WorkPeriod
from models.accountant import ARCHIVE_STATES
from models.appraisal import GRADES
from models.credit_record import CREDIT_KINDS, CREDIT_STATES
from views.console.base import ConsoleModelView
from views.console.unit_view import AuthorityFilter, readable_authority_options
from views.forms import Form, attach_violation, posted


class RestoreForm(Form):
    reason = TextAreaField("恢复原因")


class IdCorrectionForm(Form):
    id_number = StringField("新证件号码")
    proof = FileField("公安机关出具的证件号码变更证明（扫描件）")


class AccountantView(ConsoleModelView):
    read_roles = frozenset({"reviewer", "province_admin"})
    write_roles = frozenset({"reviewer"})
    write_views = ConsoleModelView.write_views | {"restore_view", "correct_view"}
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
        return {
            "periods": periods,
            "work_years": work_history.accounting_work_years(periods, today),
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
            "grades": GRADES.labels,
            "archive_states": ARCHIVE_STATES.labels,
            "kinds": CREDIT_KINDS.labels,
            "record_states": CREDIT_STATES.labels,
            "may_restore": person.archive_state == "abnormal" and may_decide(current_user, person),
            "may_correct": may_decide(current_user, person),
            "restore_form": RestoreForm(),
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
