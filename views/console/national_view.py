"""国家平台报送: the province admin (at the province level) makes the archive's file for the national 会计人员信息管理
系统, CSV or JSON, of everyone in the archive or of those changed since a date; the worker makes it, and the job's
page offers it to its asker for a day. Rules and format: console.archive.national, docs/national-format.md."""

from flask import redirect, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from peewee import JOIN
from wtforms import RadioField, StringField

from console.archive import national
from console.errors import RuleViolation
from console.infra import jobs
from models import Account, Job
from views.console.base import ProvinceGate
from views.forms import Form, attach_violation, options, posted


class ExportForm(Form):
    format = RadioField(
        "文件格式",
        choices=options([("csv", "CSV（可用 Excel 打开）"), ("json", "JSON（供系统对接）")]),
        default="csv",
        validate_choice=False,
    )
    since = StringField("只导出此日期以来有变化的人员（年-月-日，留空导出全部在库人员）")


class NationalExportView(ProvinceGate, BaseView):
    write_views = frozenset({"start"})

    @expose("/")
    def index(self, form=None, status=200):
        recent = (
            Job.select(Job, Account)
            .join(Account, JOIN.LEFT_OUTER)
            .where(Job.kind == "national_export")
            .order_by(Job.id.desc())
            .limit(10)
        )
        return self.render(
            "console/national_export.html",
            form=form or ExportForm(),
            version=national.FORMAT_VERSION,
            recent=list(recent),
            params=jobs.params,
        ), status

    @expose("/", methods=("POST",))
    def start(self):
        form = ExportForm()
        posted(form)
        try:
            job = national.start_export(form.format.data, form.since.data, current_user._get_current_object())
        except RuleViolation as refusal:
            attach_violation(form, refusal)
            return self.index(form, 422)
        return redirect(url_for("job.detail", job_id=job.id))
