"""File imports for the province admin: the credit bank's continuing-education credits and the old
certificate database. A refused file comes back with its errors by line; nothing of it is written.
Rules: console.imports."""

from flask import flash, redirect, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from flask_wtf.file import FileField

from console.errors import RuleViolation
from console.imports import education_credits, legacy, tables
from models import AuditEntry
from views.console.base import RoleGate
from views.forms import Form, attach_violation, posted


class ImportForm(Form):
    file = FileField("文件（CSV 或 XLSX）")


class ImportView(RoleGate, BaseView):
    read_roles = write_roles = frozenset({"province_admin"})
    write_views = frozenset({"upload"})
    title = header = audit_action = explanation = None

    def run(self, filename, stream, account):
        """Import one file; returns what to tell the admin."""
        raise NotImplementedError

    @expose("/")
    def index(self, form=None, errors=(), status=200):
        imports = list(
            AuditEntry.select().where(AuditEntry.action == self.audit_action).order_by(AuditEntry.id.desc()).limit(10)
        )
        return self.render(
            "console/import.html",
            view=self,
            form=form or ImportForm(),
            errors=errors,
            shown=tables.REPORTED_ERRORS,
            imports=imports,
        ), status

    @expose("/", methods=("POST",))
    def upload(self):
        form = ImportForm()
        posted(form)
        upload = form.file.data
        try:
            if not upload or not upload.filename:
                raise RuleViolation("请选择要导入的文件", "file")
            done = self.run(upload.filename, upload.stream, current_user._get_current_object())
        except tables.ImportRefused as refused:
            attach_violation(form, refused, "file")
            return self.index(form, refused.errors, 422)
        except RuleViolation as refusal:
            attach_violation(form, refusal, "file")
            return self.index(form, (), 422)
        flash(done, "success")
        return redirect(url_for(".index"))


class EducationCreditView(ImportView):
    title = "继续教育学分导入"
    header = education_credits.HEADER
    audit_action = "education_credit.import"
    explanation = "每行一人一年一个培训机构；同一人、年度和培训机构再次导入时，以新数据为准。"

    def run(self, filename, stream, account):
        return f"已导入 {education_credits.import_file(filename, stream, account)} 条继续教育学分记录"


class LegacyImportView(ImportView):
    title = "原会计人员数据导入"
    header = legacy.HEADER
    audit_action = "legacy.import"
    explanation = (
        "原会计从业资格数据库的记录，每行一人。导入后，本人登录时信息采集表单按此预填；"
        "同一文件再次导入不会改变任何记录。"
    )

    def run(self, filename, stream, account):
        counts = legacy.import_file(filename, stream, account)
        return "原数据导入完成：" + "，".join(f"{label} {n} 条" for label, n in counts.items())
