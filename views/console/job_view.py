"""后台任务: the jobs the worker runs, each with a page whose progress bar follows the job (static/jobs.js
polls its status), its outcome once done, and the file of an export for the one who asked. The province
admin lists every job; anyone else reaches their own from where they started it.
Rules: console.infra.jobs, console.tasks."""

from flask import abort, flash, jsonify, redirect, send_file, url_for
from flask_admin import BaseView, expose
from flask_login import current_user

from console.archive import national
from console.errors import RuleViolation
from console.infra import audit, jobs, storage
from console.review import export
from console.tasks import DOWNLOADS, export_file
from models import Job
from models.account import STAFF_ROLES
from views.console.base import RoleGate
from views.forms import Form, posted

CONTENT_TYPES = {kind: spec[0] for kind, spec in (export.FORMATS | national.FORMATS).items()}


class JobView(RoleGate, BaseView):
    read_roles = write_roles = frozenset(STAFF_ROLES)
    write_views = frozenset({"rerun"})

    def is_visible(self):
        return current_user.is_authenticated and current_user.role == "province_admin"

    @expose("/")
    def index(self):
        return self.render("console/jobs.html", jobs=list(jobs.recent(current_user)), label=jobs.label)

    @expose("/<int:job_id>")
    def detail(self, job_id):
        job = self._job(job_id)
        return self.render(
            "console/job.html",
            job=job,
            label=jobs.label(job),
            status=jobs.status(job),
            result=jobs.result(job),
            params=jobs.params(job),
            has_file=export_file(job) is not None and job.started_by_id == current_user.id,
            form=Form(),
        )

    @expose("/<int:job_id>.json")
    def progress(self, job_id):
        return jsonify(jobs.status(self._job(job_id)))

    @expose("/<int:job_id>/file")
    def download(self, job_id):
        job = self._job(job_id)
        name = export_file(job) if job.started_by_id == current_user.id else None
        if name is None:
            abort(404)
        audit.record(DOWNLOADS[job.kind], job, {"行数": jobs.result(job)["rows"]})
        filename = jobs.result(job)["filename"]
        response = send_file(storage.open_stream(name), mimetype=CONTENT_TYPES[name.rsplit(".", 1)[1]])
        response.headers["Content-Disposition"] = export.disposition(filename)
        return response

    @expose("/<int:job_id>/rerun", methods=("POST",))
    def rerun(self, job_id):
        job = self._job(job_id)
        posted(Form())
        try:
            again = jobs.rerun(job, current_user._get_current_object())
        except RuleViolation as refusal:
            flash(str(refusal), "error")
            return redirect(url_for(".detail", job_id=job.id))
        return redirect(url_for(".detail", job_id=again.id))

    def _job(self, job_id):
        job = Job.get_or_none(Job.id == job_id)
        if job is None or not jobs.may_see(current_user, job):
            abort(404)
        return job
