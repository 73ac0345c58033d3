"""备案审核: the filings routed to a bureau (here: unit accounting heads' filing letters), the letter
beside the applicant's record, confirmed or returned as collections are. Rules: console.filings.workflow."""

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from peewee import JOIN
from wtforms import TextAreaField

from console.collection.attachments import ALL_SLOTS
from console.errors import RuleViolation
from console.filings import workflow
from console.infra import audit
from console.org.access import may_decide, readable_authorities
from console.people.identity import mask_id
from console.profiles import current_profile
from console.review import decisions
from models import Account, Attachment, Filing, ReviewEvent, Unit
from models.filing import FILING_KINDS, FILING_STATES
from models.review import EVENT_KINDS
from views.console.base import RoleGate
from views.forms import Form, attach_violation

PAGE_SIZE = 50


class ReturnForm(Form):
    note = TextAreaField("退回原因")


class FilingView(RoleGate, BaseView):
    read_roles = frozenset({"reviewer", "province_admin"})
    write_roles = frozenset({"reviewer"})
    write_views = frozenset({"approve", "return_"})

    @expose("/")
    def index(self):
        status = request.args.get("status", "submitted")
        status = status if status in FILING_STATES.values() else "submitted"
        query = (
            Filing.select(Filing, Unit)
            .join(Unit, JOIN.LEFT_OUTER)
            .where(Filing.status == status)
            .order_by(Filing.submitted_at, Filing.id)
        )
        readable = readable_authorities(current_user)
        if readable is not None:
            query = query.where(Filing.authority.in_(readable))
        page = max(request.args.get("page", 0, type=int), 0)
        rows = list(query.offset(page * PAGE_SIZE).limit(PAGE_SIZE + 1))
        return self.render(
            "console/filing_list.html",
            rows=rows[:PAGE_SIZE],
            more=len(rows) > PAGE_SIZE,
            page=page,
            status=status,
            states=FILING_STATES,
            kinds=FILING_KINDS.labels,
            mask_id=mask_id,
        )

    def _readable(self, filing_id):
        return self.readable_or_404(Filing.get_or_none(Filing.id == filing_id))

    @expose("/<int:filing_id>")
    def details(self, filing_id):
        filing = self._readable(filing_id)
        audit.record("accountant.read", filing.accountant, {"姓名": filing.name, "备案": filing.id})
        return self.render("console/filing_details.html", **self._context(filing))

    def _context(self, filing, form=None):
        files = list(Attachment.select().where(Attachment.filing == filing).order_by(Attachment.id))
        events, reasons = decisions.history(ReviewEvent.filing == filing)
        head = Account.get_or_none(Account.role == "unit_head", Account.unit == filing.unit_id)
        return {
            "filing": filing,
            "files": files,
            "names": [ALL_SLOTS[a.slot] for a in files],
            "slots": ALL_SLOTS,
            "kinds": FILING_KINDS.labels,
            "states": FILING_STATES.labels,
            "events": events,
            "reasons": reasons,
            "event_kinds": EVENT_KINDS.labels,
            "current_head": head,
            "may_decide": may_decide(current_user, filing) and filing.status == "submitted",
            "decision_form": Form(),
            "return_form": form or ReturnForm(),
            "mask_id": mask_id,
        }

    def _decidable(self, filing_id):
        filing = self._readable(filing_id)
        if not may_decide(current_user, filing):
            abort(403)
        return filing

    @expose("/<int:filing_id>/approve", methods=("POST",))
    def approve(self, filing_id):
        filing = self._decidable(filing_id)
        if not Form().validate_on_submit():
            abort(400)
        try:
            workflow.approve(filing, current_user._get_current_object(), current_profile)
        except RuleViolation as refusal:
            flash(str(refusal), "error")
            return redirect(url_for(".details", filing_id=filing.id))
        flash(f"已确认 {filing.name} 的{FILING_KINDS.label(filing.kind)}，已短信通知申请人", "success")
        return redirect(url_for(".index"))

    @expose("/<int:filing_id>/return", methods=("POST",))
    def return_(self, filing_id):
        filing = self._decidable(filing_id)
        form = ReturnForm()
        if not form.validate_on_submit():
            abort(400)
        text = (form.note.data or "").strip()
        try:
            reasons = [decisions.Reason(decisions.GENERAL, "", text)] if text else []
            workflow.return_filing(filing, current_user._get_current_object(), current_profile, reasons)
        except RuleViolation as refusal:
            attach_violation(form, refusal, "note")
            return self.render("console/filing_details.html", **self._context(filing, form)), 422
        flash("已退回，已短信通知申请人", "success")
        return redirect(url_for(".index"))
