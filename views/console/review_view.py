"""审核: the queue, the review page with the scans beside the data, and the decisions.

Thin: scope, paging and search are console.review.worklist; claims and decisions console.review.claims
and decisions; the checks console.review.screening. A collection outside the reviewer's scope answers 404, whatever the URL."""

from flask import abort, current_app, flash, redirect, request, session, stream_with_context, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from console.collection import attachments, sections
from console.collection.sections import TITLES
from console.errors import RuleViolation
from console.infra import audit, clock, dictionaries, jobs
from console.org.access import authority_list, readable_authorities
from console.people.identity import mask_id
from console.profiles import current_profile
from console.review import case, claims, decisions, export, screening, worklist
from models.collection import COLLECTION_STATES
from models.review import EVENT_KINDS
from views.console.base import RoleGate
from views.forms import Form


def field_labels():
    """{section: {field: label}} from the sections' schema, and the scans under "attachments"."""
    return {**sections.labels(), "attachments": attachments.SLOTS}


class DecisionForm(Form):
    pass


class ReturnForm(Form):
    templates = SelectMultipleField("退回原因", coerce=str, validate_choice=False)
    note_section = SelectField("补充说明针对", validate_choice=False)
    note = TextAreaField("补充说明")
    marks = SelectMultipleField("标记", coerce=str, validate_choice=False)  # "section|target|text" per marked field


class SaveFilterForm(Form):
    name = StringField("筛选名称")


class BulkForm(Form):
    ids = SelectMultipleField("选择", coerce=str, validate_choice=False)
    back = HiddenField()


class ReviewView(RoleGate, BaseView):
    read_roles = frozenset({"reviewer", "province_admin"})
    write_roles = frozenset({"reviewer"})
    write_views = frozenset({"claim", "release", "approve", "undo", "return_", "bulk_approve"})

    @expose("/")
    def index(self):
        filters = worklist.Filters.from_args(request.args)
        try:
            page = worklist.page(
                current_user, filters, after=request.args.get("after"), before=request.args.get("before")
            )
            total = worklist.count(current_user, filters, page)
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
            sort_names=worklist.SORT_NAMES,
            flags=screening.FLAGS,
            levels=self._levels(),
            mask_id=mask_id,
            deciding=worklist.decides(current_user, filters),
            saved=self._saved_filters(),
        )

    @staticmethod
    def _saved_filters(reread=False):
        """The reviewer's saved filters, read once a session (and again when they save or delete one), so the
        queue's page costs no query for them."""
        if reread or "saved_filters" not in session:
            session["saved_filters"] = [
                {"id": f.id, "name": f.name, "query": f.query} for f in worklist.saved_filters(current_user.id)
            ]
        return session["saved_filters"]

    @expose("/filters", methods=("POST",))
    def save_filter(self):
        form = SaveFilterForm()
        filters = worklist.Filters.from_args(request.args)
        back = url_for(".index", **filters.as_args())
        if not form.validate_on_submit():
            abort(400)
        try:
            worklist.save_filter(current_user.id, form.name.data, filters)
        except RuleViolation as refusal:
            flash(str(refusal), "error")
        else:
            flash(f"已保存筛选“{form.name.data.strip()}”", "success")
        self._saved_filters(reread=True)
        return redirect(back)

    @expose("/filters/<int:filter_id>/delete", methods=("POST",))
    def forget_filter(self, filter_id):
        if not DecisionForm().validate_on_submit():
            abort(400)
        if not worklist.forget_filter(current_user.id, filter_id):
            abort(404)
        self._saved_filters(reread=True)
        flash("已删除该筛选", "success")
        return redirect(url_for(".index"))

    @staticmethod
    def _authority_choices():
        readable = readable_authorities(current_user)
        return [a for a in authority_list() if readable is None or a.id in readable]

    @staticmethod
    def _levels():
        return {kind: dictionaries.names(kind) for kind in ("education_level", "qualification_level")}

    @expose("/export.<kind>", methods=("GET", "POST"))
    def export(self, kind):
        """The filtered list as a file: streamed at once up to EXPORT_INLINE_ROWS, made by the worker beyond
        (a GET asks first what a POST starts)."""
        if kind not in export.FORMATS:
            abort(404)
        filters = worklist.Filters.from_args(request.args)
        try:
            worklist.authority_scope(current_user, filters)
        except RuleViolation:
            abort(403)
        account = current_user._get_current_object()
        count, exact = worklist.count(account, filters)
        stamp = clock.to_beijing(clock.now()).strftime("%Y%m%d%H%M")
        filename = f"审核列表{stamp}.{kind}"
        if exact and count <= current_app.config["EXPORT_INLINE_ROWS"]:
            audit.record("collection.export", detail={"格式": kind, "条件": filters.describe()})
            rows = worklist.each_row(account, filters)
            response = current_app.response_class(
                stream_with_context(export.chunks(kind, rows)), mimetype=export.FORMATS[kind][0]
            )
            response.headers["Content-Disposition"] = export.disposition(filename)
            return response
        form = DecisionForm()
        if not form.validate_on_submit():
            return self.render("console/export_confirm.html", count=count, exact=exact, kind=kind, form=form)
        audit.record("collection.export", detail={"格式": kind, "条件": filters.describe(), "后台导出": True})
        params = {"kind": kind, "args": request.args.to_dict(flat=False), "filename": filename}
        return redirect(url_for("job.detail", job_id=jobs.start("review_export", params, account).id))

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

    def render(self, template, **kwargs):
        return super().render(template, undo=self._pending_undo(), **kwargs)

    @staticmethod
    def _pending_undo():
        """The approval just made that may still be withdrawn, with the seconds left; None once it may not."""
        made = session.get("undo")
        if not made:
            return None
        left = made["at"] + decisions.UNDO_WINDOW.total_seconds() - clock.now().timestamp()
        if left <= 0:
            session.pop("undo")
            return None
        return {**made, "left": int(left + 0.999)}

    def may_decide(self, collection):
        return collection.status != "draft" and super().may_decide(collection)

    @expose("/<int:collection_id>")
    def details(self, collection_id):
        """Opening a collection reads it and claims nothing (a link, a prefetch or a preview may open it): the
        claim is the 领取 button's, or that of the decision made on it, or of the decision that led here."""
        collection = self.readable_or_404(case.reviewed(collection_id))
        audit.record("collection.read", collection, {"姓名": collection.accountant.name})
        return self._page(collection)

    def _page(self, collection, return_form=None, status=200):
        opened = case.open_case(collection, current_user._get_current_object(), current_profile)
        form = return_form or ReturnForm()
        sections = [s.key for s, _, _ in opened.shown] + ["attachments"]
        form.note_section.choices = [SelectChoice(decisions.GENERAL, "整体")] + [
            SelectChoice(s.key, s.title) for s, _, _ in opened.shown
        ]
        return self.render(
            "console/review_details.html",
            c=collection,
            case=opened,
            person=collection.accountant,
            labels=field_labels(),
            reason_templates=[
                {"id": t.id, "section": t.section, "target": t.target, "text": t.text} for t in opened.templates
            ],
            sections=sections,
            titles=TITLES,
            slots=attachments.SLOTS,
            slot_sections=attachments.SLOT_SECTIONS,
            return_form=form,
            decision_form=DecisionForm(),
            event_kinds=EVENT_KINDS.labels,
            states=COLLECTION_STATES.labels,
            flags=screening.FLAGS,
        ), status

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
        """审核通过 at once, no confirmation: the page that follows offers 撤销 for UNDO_WINDOW instead."""

        def approve_undoably(collection, me):
            event = decisions.approve(claims.hold(collection, me), me, current_profile, undoable=True)
            session["undo"] = {"id": collection.id, "name": collection.accountant.name, "at": event.at.timestamp()}

        return self._act(collection_id, approve_undoably, None, to_queue=True)

    @expose("/<int:collection_id>/undo", methods=("POST",))
    def undo(self, collection_id):
        collection = self.decidable_or_403(case.decided(collection_id))
        if not DecisionForm().validate_on_submit():
            abort(400)
        session.pop("undo", None)
        try:
            decisions.undo_approval(collection, current_user._get_current_object())
        except RuleViolation as refusal:
            flash(str(refusal), "error")
        else:
            flash(f"已撤销对 {collection.accountant.name} 的审核通过，本件仍由您领取", "success")
        return redirect(url_for(".details", collection_id=collection.id))

    @expose("/<int:collection_id>/return", methods=("POST",))
    def return_(self, collection_id):
        collection = self.decidable_or_403(case.decided(collection_id))
        me = current_user._get_current_object()
        form = ReturnForm()
        if not form.validate_on_submit():
            abort(400)
        try:
            picked = decisions.reasons_from(
                form.templates.data, form.note.data, form.note_section.data, form.marks.data, current_profile
            )
            decisions.return_collection(claims.hold(collection, me), me, current_profile, picked)
        except RuleViolation as refusal:
            flash(str(refusal), "error")
            return self._page(case.reviewed(collection.id), form, 422)
        session.pop("undo", None)  # a later decision ends the undo of the one before
        flash("已退回，已短信通知申请人", "success")
        return redirect(self._next_url(collection))

    def _act(self, collection_id, action, done, to_queue=False):
        collection = self.decidable_or_403(case.decided(collection_id))
        if not DecisionForm().validate_on_submit():
            abort(400)
        try:
            action(collection, current_user._get_current_object())
        except RuleViolation as refusal:
            flash(str(refusal), "error")
            return redirect(url_for(".details", collection_id=collection.id))
        if done:
            flash(done, "success")
        return redirect(self._next_url(collection) if to_queue else url_for(".details", collection_id=collection.id))

    @expose("/<int:collection_id>/next", methods=("POST",))
    def next_in_queue(self, collection_id):
        """下一件: skipping a collection the reviewer holds releases it for the others."""
        collection = self.readable_or_404(case.decided(collection_id))
        if not DecisionForm().validate_on_submit():
            abort(400)
        claims.release(collection, current_user._get_current_object())
        return redirect(self._next_url(collection))

    def _next_url(self, collection):
        """The next waiting collection of the same queue after this one, claimed for the reviewer whose
        decision or skip moves on to it (unless another holds it), or the queue when none is left."""
        following = worklist.next_waiting(collection)
        if following:
            claims.claim_if_free(following, current_user._get_current_object())
            return url_for(".details", collection_id=following)
        return url_for(
            ".index",
            **({"authority": collection.authority_id} if collection.authority_id != current_user.authority_id else {}),
        )
