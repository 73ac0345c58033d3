from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from models.account import Account
from models.base import BaseModel
from models.choices import Choices

JOB_STATES = Choices(("queued", "排队中"), ("running", "运行中"), ("done", "已完成"), ("failed", "失败"))


class Job(BaseModel):
    """后台任务: one run of long work (an import, the yearly rules, a large export) by the worker; who started
    it, its state and its result. Its progress while it runs is kept beside the queue (console.infra.jobs)."""

    kind = CharField()
    params = TextField(default="{}")  # JSON: what the work is given (a stored upload's name, a year, filters)
    started_by = ForeignKeyField(Account, null=True, on_delete="RESTRICT", backref="jobs")
    created_at = DateTimeField(index=True)
    started_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)
    state = CharField(choices=JOB_STATES, default="queued")
    done = IntegerField(default=0)
    total = IntegerField(null=True)
    result = TextField(default="")  # JSON: counts, a report's id, an export's file, or the errors by line
    error = TextField(default="")  # why it failed, in Chinese
    running_key = CharField(null=True, unique=True)  # held while queued or running: one such job at a time
