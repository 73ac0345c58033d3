from peewee import BooleanField, DateTimeField, ForeignKeyField, IntegerField, TextField

from models.account import Account
from models.base import BaseModel


class RuleRun(BaseModel):
    """日常管理规则运行: one run of the yearly rules and its report of who changed and why."""

    year = IntegerField()
    dry_run = BooleanField()
    started_at = DateTimeField()
    finished_at = DateTimeField(null=True)
    started_by = ForeignKeyField(Account, null=True, on_delete="RESTRICT")
    report = TextField(default="")
