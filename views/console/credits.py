"""继续教育学分导入: the province admin imports the credit bank's file; a refused file comes back
with its errors by line. Rules: console.education_credits."""
from flask import flash, redirect, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField

from console import education_credits
from console.errors import RuleViolation
from models import AuditEntry
from views.console.base import RoleGate, posted


class ImportForm(FlaskForm):
    file = FileField("学分文件（CSV 或 XLSX）")


class EducationCreditView(RoleGate, BaseView):
    read_roles = write_roles = frozenset({"province_admin"})
    write_views = frozenset({"upload"})

    @expose("/")
    def index(self, form=None, errors=(), status=200):
        imports = list(AuditEntry.select().where(AuditEntry.action == "education_credit.import")
                       .order_by(AuditEntry.id.desc()).limit(10))
        return self.render("console/credit_import.html", form=form or ImportForm(), errors=errors,
                           shown=education_credits.REPORTED_ERRORS, header=education_credits.HEADER,
                           imports=imports), status

    @expose("/", methods=("POST",))
    def upload(self):
        form = ImportForm()
        posted(form)
        upload = form.file.data
        try:
            if not upload or not upload.filename:
                raise RuleViolation("请选择要导入的文件", "file")
            count = education_credits.import_file(upload.filename, upload.stream,
                                                  current_user._get_current_object())
        except education_credits.ImportRefused as refused:
            form.file.errors = [str(refused)]
            return self.index(form, refused.errors, 422)
        except RuleViolation as refusal:
            form.file.errors = [str(refusal)]
            return self.index(form, (), 422)
        flash(f"已导入 {count} 条继续教育学分记录", "success")
        return redirect(url_for(".index"))
