"""日常管理规则: the province admin runs the yearly rules (or a dry run) and reads each run's report;
the same job as `flask --app console apply-rules`. Rules: console.archive.daily_rules."""

import json

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField

from console.archive import daily_rules
from console.infra import clock
from console.people.identity import mask_id
from console.profiles import current_profile
from models import Accountant, RuleChange, RuleRun
from models.rule_run import RULES
from views.console.base import RoleGate
from views.forms import posted

PAGE_SIZE = 100


class RunForm(FlaskForm):
    year = IntegerField("执行年度")
    dry_run = BooleanField("试运行（只出报告，不改变任何人）", default=True)


class RulesView(RoleGate, BaseView):
    read_roles = write_roles = frozenset({"province_admin"})
    write_views = frozenset({"run"})

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
        run = daily_rules.apply_rules(
            form.year.data, current_profile, dry_run=form.dry_run.data, actor=current_user._get_current_object()
        )
        flash(f"{'试运行' if run.dry_run else '已执行'} {run.year} 年度规则", "success")
        return redirect(url_for(".report", run_id=run.id))

    @expose("/<int:run_id>")
    def report(self, run_id):
        run = RuleRun.get_or_none(RuleRun.id == run_id)
        if run is None:
            abort(404)
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
        )
