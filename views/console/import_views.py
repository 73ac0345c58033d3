"""File imports for the province admin: the credit bank's continuing-education credits and the old
certificate database. The upload is stored and imported by the worker, its progress on the job's page; a
refused file comes back there with its errors by line, and nothing of it is written.
Rules: console.imports, console.tasks."""

from flask import redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from flask_wtf.file import FileField

from console.errors import RuleViolation
from console.imports import education_credits, legacy, tables
from console.infra import jobs, storage
from models import Job
from views.console.base import RoleGate
from views.forms import Form, attach_violation, posted

MAX_UPLOAD = 512 * 1024 * 1024  # a million rows of the old database as CSV are some 200 MB


class ImportForm(Form):
    file = FileField("文件（CSV 或 XLSX）")


def small_import(form, run):
    """A file small enough to check and write whole within the request (contacts, staff accounts), posted on
    `form`: (what run(filename, stream) returned, or None; the refused lines; the status)."""
    if not posted(form):
        return None, [], 200
    upload = form.file.data
    try:
        if not upload or not upload.filename:
            raise RuleViolation("请选择要导入的文件", "file")
        return run(upload.filename, upload.stream), [], 200
    except RuleViolation as refusal:  # ImportRefused among them, with its errors by line
        attach_violation(form, refusal, "file")
        return None, getattr(refusal, "errors", []), 422


class ImportView(RoleGate, BaseView):
    read_roles = write_roles = frozenset({"province_admin"})
    write_views = frozenset({"upload"})
    title = header = job_kind = explanation = None

    @expose("/")
    def index(self, form=None, status=200):
        recent = Job.select().where(Job.kind == self.job_kind).order_by(Job.id.desc()).limit(10)
        return self.render(
            "console/import.html",
            view=self,
            form=form or ImportForm(),
            recent=list(recent),
            params=jobs.params,
            result=jobs.result,
        ), status

    @expose("/", methods=("POST",))
    def upload(self):
        request.max_content_length = MAX_UPLOAD
        form = ImportForm()
        posted(form)
        upload = form.file.data
        try:
            if not upload or not upload.filename:
                raise RuleViolation("请选择要导入的文件", "file")
            job = self._start(upload)
        except RuleViolation as refusal:
            attach_violation(form, refusal, "file")
            return self.index(form, 422)
        return redirect(url_for("job.detail", job_id=job.id))

    def _start(self, upload):
        suffix = tables.suffix(upload.filename)
        stored = storage.save_chunks(iter(lambda: upload.stream.read(1 << 20), b""), "." + suffix)
        try:
            return jobs.start(
                self.job_kind, {"file": stored, "filename": upload.filename}, current_user._get_current_object()
            )
        except RuleViolation:
            storage.remove(stored)
            raise


class EducationCreditView(ImportView):
    title = "继续教育学分导入"
    header = education_credits.HEADER
    job_kind = "education_credit_import"
    explanation = "每行一人一年一个培训机构；同一人、年度和培训机构再次导入时，以新数据为准。"


class LegacyImportView(ImportView):
    title = "原会计人员数据导入"
    header = legacy.HEADER
    job_kind = "legacy_import"
    explanation = (
        "原会计从业资格数据库的记录，每行一人。导入后，本人登录时信息采集表单按此预填；"
        "同一文件再次导入不会改变任何记录。"
    )
