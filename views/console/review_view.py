"""审核: the queue, the review page with the scans beside the data, and the decisions.

Thin: scope, paging and search are console.review.worklist; claims and decisions console.review.claims
and decisions; the checks console.review.screening. A collection outside the reviewer's scope answers 404, whatever the URL."""

from functools import cache

from flask import abort, current_app, flash, redirect, request, stream_with_context, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from flask_wtf import FlaskForm
from peewee import JOIN
from wtforms import HiddenField, SelectField, SelectMultipleField, TextAreaField

from console.collection import answers, attachments
from console.errors import RuleViolation
from console.infra import audit, clock, dictionaries
from console.org.access import authority_list, may_decide, may_read, readable_authorities
from console.people.identity import mask_id
from console.profiles import current_profile
from console.review import claims, decisions, diff, export, screening, worklist
from models import Account, Accountant, Attachment, Authority, Collection, ReasonTemplate, ReturnReason, ReviewEvent
from models.accountant import GENDERS, ID_TYPES
from models.collection import COLLECTION_STATES, RESIDENCE_TYPES
from models.review import EVENT_KINDS
from views.console.base import RoleGate
from views.portal.wizard.forms import FORMS
from views.portal.wizard.steps import TITLES

PERSONAL_LABELS = {
    "name": "姓名",
    "id_type": "证件类型",
    "id_number": "证件号码",
    "gender": "性别",
    "birth_date": "出生日期",
    "phone": "手机号码",
}
# Which section a scan belongs beside, for the side-by-side view.
SLOT_SECTIONS = {
    "photo": "personal",
    "id_front": "personal",
    "id_back": "personal",
    "diploma": "education",
    "degree": "education",
    "part_time_diploma": "education",
    "part_time_degree": "education",
    "qualification": "qualification",
    "letter": "post",
    "work_proof": "post",
    "residence": "post",
    "student": "post",
    "award_proof": "awards",
    "violation_proof": "violations",
    "publication_proof": "publications",
}


@cache
def field_labels():
    """{section: {field: label}} from the wizard's own forms, so both sides name a field alike (read only)."""
    labels = {
        key: {
            name: unbound.args[0]
            for name, unbound in vars(form).items()
            if hasattr(unbound, "field_class") and unbound.args
        }
        for key, form in FORMS.items()
    }
    labels["personal"] = {**PERSONAL_LABELS, **labels["personal"]}
    labels["qualification"].update(labels.pop("talent"))
    labels["attachments"] = dict(attachments.SLOTS)
    return labels


CHOICE_LABELS = {
    ("personal", "gender"): dict(GENDERS),
    ("personal", "id_type"): dict(ID_TYPES),
    ("post", "residence_type"): dict(RESIDENCE_TYPES),
}


def shown(flat):
    """Stored codes as the applicant chose them (male → 男)."""
    return {
        section: {field: CHOICE_LABELS.get((section, field), {}).get(value, value) for field, value in values.items()}
        for section, values in flat.items()
    }


class DecisionForm(FlaskForm):
    pass


class ReturnForm(FlaskForm):
    templates = SelectMultipleField("退回原因", coerce=str, validate_choice=False)
    note_section = SelectField("补充说明针对", validate_choice=False)
    note = TextAreaField("补充说明")


class BulkForm(FlaskForm):
    ids = SelectMultipleField("选择", coerce=str, validate_choice=False)
    back = HiddenField()


class ReviewView(RoleGate, BaseView):
    read_roles = frozenset({"reviewer", "province_admin"})
    write_roles = frozenset({"reviewer"})
    write_views = frozenset({"claim", "release", "approve", "return_", "bulk_approve"})

    @expose("/")
    def index(self):
        filters = worklist.Filters.from_args(request.args)
        try:
            page = worklist.page(
                current_user, filters, after=request.args.get("after"), before=request.args.get("before")
            )
            total = worklist.count(current_user, filters)
        except RuleViolation:
            abort(403)
        return self.render(
            "console/review_queue.html",
            page=page,
            total=total,
            filters=filters,
            args=filters.as_args(),
            authorities=self._authority_choices(),
            states=worklist.STATES,
            flags=screening.FLAGS,
            levels=self._levels(),
            bulk=BulkForm(),
            mask_id=mask_id,
            deciding=current_user.role == "reviewer" and filters.authority in (None, current_user.authority_id),
        )

    @staticmethod
    def _authority_choices():
        readable = readable_authorities(current_user)
        return [a for a in authority_list() if readable is None or a.id in readable]

    @staticmethod
    def _levels():
        return {kind: dictionaries.names(kind) for kind in ("education_level", "qualification_level")}

    @expose("/export.<kind>")
    def export(self, kind):
        if kind not in export.FORMATS:
            abort(404)
        filters = worklist.Filters.from_args(request.args)
        try:
            worklist.authority_scope(current_user, filters)
        except RuleViolation:
            abort(403)
        audit.record("collection.export", detail={"格式": kind, "条件": filters.as_args()})
        stamp = clock.to_beijing(clock.now()).strftime("%Y%m%d%H%M")
        response = current_app.response_class(
            stream_with_context(export.chunks(kind, current_user._get_current_object(), filters)),
            mimetype=export.FORMATS[kind][0],
        )
        response.headers["Content-Disposition"] = export.disposition(f"审核列表{stamp}.{kind}")
        return response

    @expose("/bulk-approve", methods=("POST",))
    def bulk_approve(self):
        form = BulkForm()
        back = form.back.data if (form.back.data or "").startswith(url_for(".index")) else url_for(".index")
        if not form.validate_on_submit() or not form.ids.data:
            flash("请先勾选要审核通过的信息采集", "error")
            return redirect(back)
        ids = [int(i) for i in form.ids.data if i.isdigit()]
        approved, skipped = decisions.bulk_approve(ids, current_user._get_current_object(), current_profile)
        flash(
            f"已审核通过 {len(approved)} 件" + (f"，跳过 {len(skipped)} 件" if skipped else ""),
            "success" if approved else "warning",
        )
        for collection, why in skipped:
            flash(f"{collection.accountant.name}：{why}", "warning")
        return redirect(back)

    def _readable(self, collection_id):
        collection = (
            Collection.select(Collection, Authority)
            .join(Authority)  # the page names the authority
            .where(Collection.id == collection_id)
            .first()
        )
        if collection is None or collection.status == "draft" or not may_read(current_user, collection):
            abort(404)  # the same answer whether it exists or not
        return collection

    def _decidable(self, collection_id):
        collection = (
            Collection.select(Collection, Accountant).join(Accountant).where(Collection.id == collection_id).first()
        )
        if collection is not None and collection.status != "draft" and may_decide(current_user, collection):
            return collection  # deciding implies reading: no need to read the authority tree
        if collection is None or collection.status == "draft" or not may_read(current_user, collection):
            abort(404)
        abort(403)  # it may be read here, but it is decided by the authority it is routed to

    @expose("/<int:collection_id>")
    def details(self, collection_id):
        collection = self._readable(collection_id)
        me = current_user._get_current_object()
        if collection.status == "submitted" and may_decide(me, collection) and not claims.holds_claim(me, collection):
            try:
                collection = claims.claim(collection, me)
            except RuleViolation:
                pass  # someone else holds it; the page says who
        audit.record("collection.read", collection, {"姓名": collection.accountant.name})
        return self.render("console/review_details.html", **self._details_context(collection, me))

    def _details_context(self, collection, me, return_form=None):
        given = answers.read(collection)
        flat = shown(answers.flat(collection))
        found = screening.run(collection, given, current_profile)
        by_field = {}
        for check in found:
            by_field.setdefault((check.section, check.field), []).append(check)
        files = list(Attachment.select().where(Attachment.collection == collection).order_by(Attachment.id))
        changes = diff.changes(collection)
        templates = list(ReasonTemplate.select().where(ReasonTemplate.is_active).order_by(ReasonTemplate.sort_order))
        form = return_form or ReturnForm()
        sections = [k for k in current_profile.sections if k in flat or k == "attachments"]
        form.note_section.choices = [(decisions.GENERAL, "整体")] + [(k, TITLES[k]) for k in sections if k in flat]
        events = list(
            ReviewEvent.select(ReviewEvent, Account)
            .join(Account, JOIN.LEFT_OUTER)
            .where(ReviewEvent.collection == collection)
            .order_by(ReviewEvent.id.desc())
        )
        reasons = {}
        for reason in ReturnReason.select().where(ReturnReason.event.in_([e.id for e in events])):
            reasons.setdefault(reason.event_id, []).append(reason)
        return {
            "collection": collection,
            "person": collection.accountant,
            "answers": flat,
            "labels": field_labels(),
            "sections": sections,
            "titles": TITLES,
            "checks": by_field,
            "files": files,
            "slots": attachments.SLOTS,
            "slot_sections": SLOT_SECTIONS,
            "diff": changes,
            "changed": {(s, f) for s, f, _, _ in changes[0]} if changes else set(),
            "changed_files": dict(changes[1]) if changes else {},
            "templates": templates,
            "return_form": form,
            "decision_form": DecisionForm(),
            "may_decide": may_decide(me, collection),
            "holds": claims.holds_claim(me, collection),
            "events": events,
            "event_reasons": reasons,
            "event_kinds": dict(EVENT_KINDS),
            "states": dict(COLLECTION_STATES),
            "flags": screening.FLAGS,
            "file_names": [attachments.SLOTS[a.slot] for a in files],
        }

    @expose("/<int:collection_id>/claim", methods=("POST",))
    def claim(self, collection_id):
        return self._act(collection_id, lambda c, me: claims.claim(c, me), "已领取，30 分钟内有效")

    @expose("/<int:collection_id>/release", methods=("POST",))
    def release(self, collection_id):
        return self._act(
            collection_id, lambda c, me: claims.release(c, me), "已释放，其他审核人员可以领取", to_queue=True
        )

    @expose("/<int:collection_id>/approve", methods=("POST",))
    def approve(self, collection_id):
        return self._act(
            collection_id,
            lambda c, me: decisions.approve(c, me, current_profile),
            "已审核通过，已短信通知申请人",
            to_queue=True,
        )

    @expose("/<int:collection_id>/return", methods=("POST",))
    def return_(self, collection_id):
        collection = self._decidable(collection_id)
        me = current_user._get_current_object()
        form = ReturnForm()
        if not form.validate_on_submit():
            abort(400)
        try:
            picked = decisions.reasons_from(form.templates.data, form.note.data, form.note_section.data)
            decisions.return_collection(collection, me, current_profile, picked)
        except RuleViolation as refusal:
            flash(str(refusal), "error")
            return self.render(
                "console/review_details.html", **self._details_context(Collection.get_by_id(collection.id), me, form)
            ), 422
        flash("已退回，已短信通知申请人", "success")
        return redirect(self._next_url(collection))

    def _act(self, collection_id, action, done, to_queue=False):
        collection = self._decidable(collection_id)
        if not DecisionForm().validate_on_submit():
            abort(400)
        try:
            action(collection, current_user._get_current_object())
        except RuleViolation as refusal:
            flash(str(refusal), "error")
            return redirect(url_for(".details", collection_id=collection.id))
        flash(done, "success")
        return redirect(self._next_url(collection) if to_queue else url_for(".details", collection_id=collection.id))

    @expose("/<int:collection_id>/next")
    def next_in_queue(self, collection_id):
        collection = self._readable(collection_id)
        return redirect(self._next_url(collection))

    def _next_url(self, collection):
        """The next waiting collection of the same queue after this one, or the queue when none is left."""
        following = worklist.next_waiting(collection)
        if following:
            return url_for(".details", collection_id=following)
        return url_for(
            ".index",
            **({"authority": collection.authority_id} if collection.authority_id != current_user.authority_id else {}),
        )
