"""日常管理规则: the province admin previews the yearly rules (a dry run and its report), confirms the run with
the counts in front of them, and may undo a run; the preview and the run are jobs of the worker, followed on
their job's page (the same rules as `flask --app console apply-rules`).
Rules: console.archive.daily_rules, console.tasks."""

import json

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from wtforms import IntegerField

from console.archive import daily_rules
from console.errors import RuleViolation
from console.infra import clock, jobs
from console.people.identity import mask_id
from models import Accountant, RuleChange, RuleRun
from models.rule_run import RULES
from views.console.base import RoleGate
from views.forms import Form, posted

PAGE_SIZE = 100


class RunForm(Form):
    year = IntegerField("执行年度")


class RulesView(RoleGate, BaseView):
    read_roles = write_roles = frozenset({"province_admin"})
    write_views = frozenset({"run", "apply", "undo"})

    @expose("/")
    def index(self, form=None, status=200):
        form = form or RunForm(year=clock.today().year)
        runs = list(RuleRun.select().order_by(RuleRun.id.desc()).limit(20))
        return self.render(
            "console/rules.html", form=form, runs=runs, counts={r.id: json.loads(r.report or "{}") for r in runs}
        ), status

    @expose("/run", methods=("POST",))
    def run(self):
        form = RunForm()
        posted(form)
        this_year = clock.today().year
        if form.year.data is None or not 2000 <= form.year.data <= this_year + 1:
            form.year.errors = [f"请填写 2000—{this_year + 1} 之间的年度"]
            return self.index(form, 422)
        return self._started("rules_preview", {"year": form.year.data}, url_for(".index"))

    @expose("/<int:run_id>/apply", methods=("POST",))
    def apply(self, run_id):
        preview = self._run(run_id)
        posted(Form())
        if not daily_rules.confirmable(preview):
            flash("请对最近一次试运行确认执行", "error")
            return redirect(url_for(".report", run_id=preview.id))
        return self._started("rules_apply", {"preview": preview.id}, url_for(".report", run_id=preview.id))

    def _started(self, kind, params, back):
        try:
            job = jobs.start(kind, params, current_user._get_current_object())
        except RuleViolation as refusal:
            flash(str(refusal), "error")
            return redirect(back)
        return redirect(url_for("job.detail", job_id=job.id))

    @expose("/<int:run_id>/undo", methods=("POST",))
    def undo(self, run_id):
        run = self._run(run_id)
        posted(Form())
        try:
            on_duty, archived = daily_rules.undo(run, current_user._get_current_object())
            flash(f"已撤销：{on_duty} 人恢复在岗，{archived} 人恢复入库", "success")
        except RuleViolation as refusal:
            flash(str(refusal), "error")
        return redirect(url_for(".report", run_id=run.id))

    def _run(self, run_id):
        run = RuleRun.get_or_none(RuleRun.id == run_id)
        if run is None:
            abort(404)
        return run

    @expose("/<int:run_id>")
    def report(self, run_id):
        run = self._run(run_id)
        after = request.args.get("after", 0, type=int)
        changes = list(
            RuleChange.select(RuleChange, Accountant)
            .join(Accountant)
            .where(RuleChange.run == run, RuleChange.id > after)
            .order_by(RuleChange.id)
            .limit(PAGE_SIZE + 1)
        )
        return self.render(
            "console/rule_run.html",
            run=run,
            changes=changes[:PAGE_SIZE],
            next_after=changes[PAGE_SIZE - 1].id if len(changes) > PAGE_SIZE else None,
            counts=json.loads(run.report or "{}"),
            rules=RULES.labels,
            mask_id=mask_id,
            confirmable=daily_rules.confirmable(run),
            form=Form(),
        )
