"""档案调转 in the console: the requests to leave for another province, confirmed or returned by the person's bureau
as filings are (views.console.filing_view), the packages they produce, downloaded by the bureau; the packages of
people arriving, uploaded by a bureau or the province admin; and the national list of who is archived elsewhere,
kept by the province admin. Rules: console.archive.transfers, console.archive.duplicates."""

import io

from flask import abort, flash, redirect, request, send_file, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from flask_wtf.file import FileField
from wtforms import TextAreaField

from console.archive import duplicates, transfers
from console.errors import RuleViolation
from console.imports.tables import ImportRefused
from console.infra import audit
from console.org.access import may_decide, readable_authorities
from console.people.identity import mask_id
from console.profiles import current_profile
from models import Collection, Transfer
from models.collection import COLLECTION_STATES
from models.transfer import TRANSFER_DIRECTIONS, TRANSFER_STATES
from views.console.base import ProvinceGate, RoleGate
from views.forms import Form, attach_violation, posted

PAGE_SIZE = 50
TABS = (("submitted", "待确认"), ("approved", "已调出"), ("returned", "已退回"), ("imported", "已调入"))


class ReturnForm(Form):
    note = TextAreaField("退回原因")


class PackageForm(Form):
    file = FileField("调转数据包（调出省份导出的压缩文件）")


class ListForm(Form):
    file = FileField("全国已建档名单（CSV 文件）")


class TransferView(RoleGate, BaseView):
    read_roles = write_roles = frozenset({"reviewer", "province_admin"})
    write_views = frozenset({"approve", "return_", "receive"})
    method_roles = {"approve": frozenset({"reviewer"}), "return_": frozenset({"reviewer"})}

    @expose("/")
    def index(self):
        status = request.args.get("status", "submitted")
        status = status if status in dict(TABS) else "submitted"
        query = Transfer.select().where(Transfer.status == status).order_by(Transfer.requested_at, Transfer.id)
        readable = readable_authorities(current_user)
        if readable is not None:
            query = query.where(Transfer.authority.in_(readable))
        page = max(request.args.get("page", 0, type=int), 0)
        rows = list(query.offset(page * PAGE_SIZE).limit(PAGE_SIZE + 1))
        return self.render(
            "console/transfer_list.html",
            rows=rows[:PAGE_SIZE],
            more=len(rows) > PAGE_SIZE,
            page=page,
            status=status,
            tabs=TABS,
            mask_id=mask_id,
        )

    def _readable(self, transfer_id):
        return self.readable_or_404(Transfer.get_or_none(Transfer.id == transfer_id))

    @expose("/<int:transfer_id>")
    def details(self, transfer_id):
        transfer = self._readable(transfer_id)
        audit.record("accountant.read", transfer.accountant, {"姓名": transfer.name, "档案调转": transfer.id})
        return self.render("console/transfer_details.html", **self._context(transfer))

    def _context(self, transfer, form=None):
        collection = Collection.get_by_id(transfer.collection_id) if transfer.collection_id else None
        return {
            "transfer": transfer,
            "directions": TRANSFER_DIRECTIONS.labels,
            "states": TRANSFER_STATES.labels,
            "collection": collection,
            "collection_states": COLLECTION_STATES.labels,
            "may_decide": may_decide(current_user, transfer) and transfer.status == "submitted",
            "decision_form": Form(),
            "return_form": form or ReturnForm(),
            "mask_id": mask_id,
        }

    def _decidable(self, transfer_id):
        transfer = self._readable(transfer_id)
        if not may_decide(current_user, transfer):
            abort(403)
        return transfer

    @expose("/<int:transfer_id>/approve", methods=("POST",))
    def approve(self, transfer_id):
        transfer = self._decidable(transfer_id)
        posted(Form())
        try:
            transfers.approve_out(transfer, current_user._get_current_object(), current_profile)
        except RuleViolation as refusal:
            flash(str(refusal), "error")
            return redirect(url_for(".details", transfer_id=transfer.id))
        flash(f"已确认 {transfer.name} 调出至{transfer.province}，调转数据包已生成，已短信通知本人", "success")
        return redirect(url_for(".details", transfer_id=transfer.id))

    @expose("/<int:transfer_id>/return", methods=("POST",))
    def return_(self, transfer_id):
        transfer = self._decidable(transfer_id)
        form = ReturnForm()
        posted(form)
        try:
            transfers.return_out(transfer, current_user._get_current_object(), current_profile, form.note.data)
        except RuleViolation as refusal:
            attach_violation(form, refusal, "note")
            return self.render("console/transfer_details.html", **self._context(transfer, form)), 422
        flash("已退回，已短信通知申请人", "success")
        return redirect(url_for(".index"))

    @expose("/<int:transfer_id>/package")
    def package(self, transfer_id):
        transfer = self._readable(transfer_id)
        if not transfer.storage_name:
            abort(404)
        content = transfers.package_content(transfer, current_user._get_current_object())
        response = send_file(
            io.BytesIO(content),
            mimetype="application/zip",
            as_attachment=True,
            download_name=transfers.package_filename(transfer),
            max_age=0,
        )
        response.headers["Cache-Control"] = "private, no-store"
        return response

    @expose("/import", methods=("GET", "POST"))
    def receive(self):
        form = PackageForm()
        if not posted(form):
            return self.render("console/transfer_import.html", form=form)
        request.max_content_length = transfers.MAX_UNPACKED
        try:
            if not form.file.data or not form.file.data.filename:
                raise RuleViolation("请选择调出省份导出的调转数据包（压缩文件）", "file")
            content = form.file.data.read()
            if not content:
                raise RuleViolation("上传的文件是空的，请重新选择调转数据包（压缩文件）", "file")
            arrived = transfers.receive(content, current_user._get_current_object(), current_profile)
        except RuleViolation as refusal:
            attach_violation(form, refusal, "file")
            return self.render("console/transfer_import.html", form=form), 422
        flash(
            f"已导入 {arrived.name} 自{arrived.province}调入的档案，已生成信息采集表草稿并短信通知本人登录核对、提交审核",
            "success",
        )
        return redirect(url_for(".details", transfer_id=arrived.id))


class ArchivedElsewhereView(ProvinceGate, BaseView):
    """全国已建档名单: the province admin imports it; the duplicate check reads it (console.archive.duplicates)."""

    write_views = frozenset({"upload"})

    @expose("/")
    def index(self, form=None, errors=(), status=200):
        count, imported_at = duplicates.listed_count()
        return self.render(
            "console/archived_elsewhere.html",
            form=form or ListForm(),
            header=duplicates.HEADER,
            count=count,
            imported_at=imported_at,
            errors=errors,
        ), status

    @expose("/", methods=("POST",))
    def upload(self):
        form = ListForm()
        posted(form)
        upload = form.file.data
        try:
            if not upload or not upload.filename:
                raise RuleViolation("请选择要导入的 CSV 文件", "file")
            counts = duplicates.import_list(upload.filename, upload.stream, current_user._get_current_object())
        except ImportRefused as refused:
            attach_violation(form, refused, "file")
            return self.index(form, refused.errors, 422)
        except RuleViolation as refusal:
            attach_violation(form, refusal, "file")
            return self.index(form, (), 422)
        flash("已导入全国已建档名单：" + "，".join(f"{what} {n} 条" for what, n in counts.items()), "success")
        return redirect(url_for(".index"))
