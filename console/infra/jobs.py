"""Long work in the background (an import, the yearly rules, a large export): a Job row the console shows,
run by the worker (console.tasks) out of any request.

A kind of job is a function of (params, progress, actor) registered with @kind; start() writes the row and
queues it. The work and the row's `done` are committed together, so a worker killed mid-job leaves nothing
half-written: the row stays `running` until its heartbeat is missed for STALE, and is then failed and may be
started again. While it runs, its progress and heartbeat are kept beside the queue (Huey's key-value store),
not in the database, whose write the work's own transaction would hold back."""

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from peewee import IntegrityError

from console.errors import RuleViolation
from console.infra import audit, clock
from models import Job, db

log = logging.getLogger(__name__)
KINDS = {}
BEAT = 1.0  # seconds between a running job's heartbeats (and its progress as the page sees it)
STALE = timedelta(seconds=30)  # a running job not heard from for this long has lost its worker
INTERRUPTED = "任务中断：后台进程在运行中停止，未作任何改动，可以重新开始"
CRASHED = "任务出错，未作任何改动；请重新开始，仍出错时请联系系统管理员"


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    work: Callable
    exclusive: str | None  # jobs with one key run one at a time: another start while one is under way is refused


def kind(name, label, exclusive=None):
    def register(work):
        KINDS[name] = Kind(name, label, work, exclusive)
        return work

    return register


def label(job):
    return KINDS[job.kind].label if job.kind in KINDS else job.kind


def start(name, params, actor):
    """Write the job and queue it; RuleViolation while one of a kind that runs once at a time is under way.
    Called outside any transaction: the worker must find the row committed."""
    spec = KINDS[name]
    if spec.exclusive:
        reap(spec.exclusive)
    try:
        with db.atomic():
            job = Job.create(
                kind=name,
                params=json.dumps(params, ensure_ascii=False),
                started_by=actor,
                created_at=clock.now(),
                running_key=spec.exclusive,
            )
    except IntegrityError:
        raise RuleViolation(f"已有{spec.label}任务正在进行，请等它完成后再开始") from None
    current_app.extensions["jobs"].enqueue(job.id)
    return job


def run(job_id):
    """The worker's task: take the job if still queued, do the work, commit it with its outcome."""
    now = clock.now()
    if not Job.update(state="running", started_at=now).where(Job.id == job_id, Job.state == "queued").execute():
        return  # run already, or failed while it waited
    job = Job.get_by_id(job_id)
    progress = Progress(current_app.extensions["huey"], job_id)
    with progress.beating():
        try:
            with db.atomic():
                result = KINDS[job.kind].work(json.loads(job.params), progress, job.started_by)
                _finish(job_id, "done", progress, result=result or {})
        except RuleViolation as refusal:
            _finish(job_id, "failed", progress, error=str(refusal), result=_refused(refusal))
        except Exception:  # whatever went wrong, the job says so and its work was rolled back
            log.exception("job %s (%s) failed", job_id, job.kind)
            _finish(job_id, "failed", progress, error=CRASHED)


def _refused(refusal):
    """What a refusal is kept with: the errors by line of an import that refused its file."""
    return {"refused": True, "errors": [(e.line, e.text) for e in getattr(refusal, "errors", ())]}


def _finish(job_id, state, progress, result=None, error=""):
    Job.update(
        state=state,
        finished_at=clock.now(),
        done=progress.done,
        total=progress.total,
        result=json.dumps(result or {}, ensure_ascii=False),
        error=error,
        running_key=None,
    ).where(Job.id == job_id, Job.state == "running").execute()


class Progress:
    """How far a running job is; the work sets total and advances, a thread beside it reports both."""

    def __init__(self, huey, job_id):
        self.huey, self.key = huey, f"job-progress-{job_id}"
        self.stage, self.done, self.total = "", 0, None

    def begin(self, stage, total=None):
        """A new stage of the work (检查, 写入…), of `total` steps when known."""
        self.stage, self.done, self.total = stage, 0, total

    def advance(self, count=1):
        self.done += count

    def counted(self, items):
        """The items, each advancing the progress as it is taken."""
        for item in items:
            self.done += 1
            yield item

    def beating(self):
        return _Heartbeat(self)

    def report(self):
        self.huey.put(self.key, (self.stage, self.done, self.total, clock.now()))


class Untracked(Progress):
    """The progress of work run in the foreground (a command): kept, never reported."""

    def __init__(self):
        super().__init__(None, None)

    def report(self):
        pass


class _Heartbeat:
    def __init__(self, progress):
        self.progress, self.stopped = progress, threading.Event()

    def __enter__(self):
        self.progress.report()
        self.thread = threading.Thread(target=self._beat, daemon=True)
        self.thread.start()

    def _beat(self):
        while not self.stopped.wait(BEAT):
            self.progress.report()

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()
        self.progress.huey.delete(self.progress.key)


def _heard(job):
    """(stage, done, total, when last heard) of a running job, or None when its worker never reported."""
    return current_app.extensions["huey"].get(f"job-progress-{job.id}", peek=True)


def _lost(job, heard):
    return clock.now() - (heard[3] if heard else job.started_at) > STALE


def reap(key=None):
    """Fail the running jobs (holding one key, or all) whose worker stopped; returns how many."""
    query = Job.select().where(Job.state == "running")
    if key:
        query = query.where(Job.running_key == key)
    lost = [job.id for job in query if _lost(job, _heard(job))]
    if not lost:
        return 0
    return (
        Job.update(state="failed", finished_at=clock.now(), error=INTERRUPTED, running_key=None)
        .where(Job.id.in_(lost), Job.state == "running")
        .execute()
    )


def status(job):
    """What the progress page shows: the state, rows done of total, seconds elapsed and an estimate of those
    left (from the pace so far), and the outcome once there is one."""
    stage, done, total = "", job.done, job.total
    if job.state == "running":
        heard = _heard(job)
        if _lost(job, heard):
            reap(job.running_key)
            job = Job.get_by_id(job.id)
        elif heard:
            stage, done, total = heard[:3]
    elapsed = round(((job.finished_at or clock.now()) - job.started_at).total_seconds(), 1) if job.started_at else 0
    left = round(elapsed * (total - done) / done, 1) if job.state == "running" and total and done else None
    return {
        "state": job.state,
        "stage": stage,
        "done": done,
        "total": total,
        "elapsed": elapsed,
        "left": left,
        "error": job.error,
    }


def result(job):
    return json.loads(job.result or "{}")


def params(job):
    return json.loads(job.params or "{}")


def rerun(job, actor):
    """A job that failed without refusing (its worker stopped, or it crashed) started again as it was."""
    if job.state != "failed" or result(job).get("refused"):
        raise RuleViolation("只有中断或出错的任务可以重新开始")
    again = start(job.kind, params(job), actor)
    audit.record("job.rerun", again, {"原任务": job.id, "任务": label(job)}, actor=actor)
    return again


def may_see(account, job):
    """Who started a job follows it; a province admin sees every job (an export's file stays its asker's)."""
    return job.started_by_id == account.id or account.role == "province_admin"


def recent(account, limit=50):
    query = Job.select().order_by(Job.id.desc()).limit(limit)
    return query if account.role == "province_admin" else query.where(Job.started_by == account)
