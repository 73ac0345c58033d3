"""What runs in the background, and when: the kinds of job the console starts (console.infra.jobs) and the
periodic work, on Huey. The queue is a SQLite file in the instance folder unless REDIS_URL names a Redis
server, which any number of workers (`flask --app console worker`) on any number of machines share; the dev
server (run.py) runs a consumer in its own process."""

import functools
import json
import math
import threading
import time
from datetime import date, timedelta

import click
from flask import current_app, has_app_context
from flask.cli import with_appcontext
from huey import RedisHuey, SqliteHuey, crontab
from werkzeug.datastructures import MultiDict

from console.archive import daily_rules, national
from console.collection import attachments
from console.errors import RuleViolation
from console.imports import education_credits, legacy
from console.infra import clock, jobs, notifier, storage
from console.profiles import current_profile
from console.review import export, worklist
from models import RuleRun, db

EXPORT_KEPT = timedelta(days=1)  # an export's file, for the one who asked; the hourly sweep removes it after
# The jobs that make a file for the one who asked, and the audit action of its download.
DOWNLOADS = {"review_export": "collection.export_download", "national_export": "national.export_download"}


class Queue:
    """What the domain asks of the queue: run a job, relay the outbox soon."""

    def __init__(self, run_job, relay):
        self.run_job, self.relay = run_job, relay
        self._asked, self._lock = set(), threading.Lock()  # the whole seconds a relay was asked for

    def enqueue(self, job_id):
        self.run_job(job_id)

    def relay_after(self, delay):
        """A relay at the first whole second `delay` from now, asked once for each such second: a process
        writing a hundred messages a second writes one relay a second to the queue, not a hundred."""
        now = time.time()
        at = math.ceil(now + delay.total_seconds())
        with self._lock:
            if at in self._asked:
                return
            self._asked = {second for second in self._asked if second > now} | {at}
        self.relay.schedule(delay=at - now)


def init_app(app):
    huey = _huey(app)
    within = functools.partial(_within, app)
    run_job = huey.task(name="run_job")(within(jobs.run))
    relay = huey.task(name="relay")(within(notifier.deliver_due))
    periodic = {
        "relay_every_minute": (crontab(), notifier.deliver_due),
        "reap_lost_jobs": (crontab(), jobs.reap),
        "sweep_files": (crontab(minute="7"), attachments.sweep_orphans),  # orphans, uploads and old exports
        "yearly_rules": (crontab(hour="18", minute="30"), preview_yearly_rules),  # 02:30 in Beijing
    }
    for name, (when, work) in periodic.items():
        huey.periodic_task(when, name=name)(within(work))
    app.extensions["huey"] = huey
    app.extensions["jobs"] = Queue(run_job, relay)
    app.cli.add_command(worker)


def _huey(app):
    name, immediate = app.config["JOBS_QUEUE"], app.config["JOBS_IMMEDIATE"]
    if app.config["REDIS_URL"]:
        return RedisHuey(name, url=app.config["REDIS_URL"], results=False, immediate=immediate)
    return SqliteHuey(name, filename=app.config["JOBS_DB"], results=False, immediate=immediate)


def _within(app, work):
    """A task's body with the app and a database connection (its own, unless run inline in immediate mode)."""

    @functools.wraps(work)
    def task(*args):
        if has_app_context():  # immediate mode: inside the request (or test) that queued it
            return work(*args)
        with app.app_context(), db.connection_context():
            return work(*args)

    return task


@click.command("worker")
@with_appcontext
@click.option("--workers", type=int, default=2, show_default=True, help="同时运行的任务数")
def worker(workers):
    """Run the background jobs and the periodic work (outbox relay, sweeps, the yearly rules) until stopped."""
    huey = current_app.extensions["huey"]
    # SQLite is polled: every 0.1 s, slowing to once a second while idle (Redis wakes the worker at once)
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True, backoff=1.15, max_delay=1.0)
    consumer.run()


@jobs.kind("legacy_import", "原会计人员数据导入", exclusive="legacy_import")
def import_legacy(params, progress, actor):
    return {"counts": _imported(legacy.import_file, params, progress, actor)}


@jobs.kind("education_credit_import", "继续教育学分导入", exclusive="education_credit_import")
def import_education_credits(params, progress, actor):
    return {"counts": {"导入": _imported(education_credits.import_file, params, progress, actor)}}


def _imported(import_file, params, progress, actor):
    """The uploaded file imported, then removed; a worker that dies keeps it for the job's restart."""
    try:
        with storage.open_stream(params["file"]) as stream:
            done = import_file(params["filename"], stream, actor, progress)
    except FileNotFoundError:
        raise RuleViolation("上传的文件已不在，请重新上传") from None
    except RuleViolation:
        storage.remove(params["file"])
        raise
    storage.remove(params["file"])
    return done


@jobs.kind("rules_preview", "日常管理规则试运行", exclusive="rules")
def preview_rules(params, progress, actor):
    run = daily_rules.apply_rules(params["year"], current_profile, dry_run=True, actor=actor, progress=progress)
    return {"run": run.id, "counts": json.loads(run.report)}


@jobs.kind("rules_apply", "日常管理规则执行", exclusive="rules")
def apply_rules(params, progress, actor):
    preview = RuleRun.get_or_none(RuleRun.id == params["preview"])
    if preview is None:
        raise RuleViolation("该试运行已不存在，请重新试运行")
    run = daily_rules.confirm(preview, current_profile, actor, progress)
    return {"run": run.id, "counts": json.loads(run.report)}


def preview_yearly_rules():
    """On the profile's day, the year's dry run, for the province admin to confirm with its counts."""
    today = clock.today()
    month, day = map(int, current_profile.yearly_rules_on.split("-"))
    if not current_profile.yearly_rules or today != date(today.year, month, day):
        return None
    if RuleRun.select().where(RuleRun.year == today.year).exists():
        return None
    try:
        return jobs.start("rules_preview", {"year": today.year}, None)
    except RuleViolation:  # one is under way already (another worker's schedule)
        return None


@jobs.kind("review_export", "审核列表导出")
def export_review_list(params, progress, actor):
    filters = worklist.Filters.from_args(MultiDict(params["args"]))
    count, exact = worklist.count(actor, filters)
    progress.begin("导出", count if exact else None)
    rows = progress.counted(worklist.each_row(actor, filters))
    name = storage.save_chunks(export.chunks(params["kind"], rows), "." + params["kind"])
    return {"file": name, "rows": progress.done, "filename": params["filename"]}


@jobs.kind("national_export", "国家平台报送导出", exclusive="national_export")
def export_national(params, progress, actor):
    national.check_exporter(actor)
    since = date.fromisoformat(params["since"]) if params["since"] else None
    progress.begin("导出", None if since else national.count())
    name = storage.save_chunks(national.chunks(params["format"], since, progress), "." + params["format"])
    return {"file": name, "rows": progress.done, "filename": params["filename"]}


def export_file(job):
    """The stored file of a finished export while it is kept, else None."""
    if job.kind not in DOWNLOADS or job.state != "done" or clock.now() - job.finished_at > EXPORT_KEPT:
        return None
    return jobs.result(job)["file"]
