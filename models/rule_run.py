from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from models.account import Account
from models.accountant import Accountant
from models.base import BaseModel
from models.choices import Choices

RULES = Choices(("appraisal", "连续两年无年度考评"), ("continuing_education", "继续教育未完成"))


class RuleRun(BaseModel):
    """日常管理规则运行: one run of the yearly rules; its changes are the RuleChange rows."""

    year = IntegerField()
    dry_run = BooleanField()
    started_at = DateTimeField()
    finished_at = DateTimeField(null=True)
    started_by = ForeignKeyField(Account, null=True, on_delete="RESTRICT", backref="started_runs")
    report = TextField(default="")  # the counts per rule, as JSON
    undone_at = DateTimeField(null=True)  # 撤销: everyone it moved brought back
    undone_by = ForeignKeyField(Account, null=True, on_delete="RESTRICT", backref="undone_runs")


class RuleChange(BaseModel):
    """规则变动: one person a run moved (or, in a dry run, would move), and why."""

    run = ForeignKeyField(RuleRun, backref="changes", on_delete="CASCADE")
    accountant = ForeignKeyField(Accountant, on_delete="RESTRICT")
    rule = CharField(choices=RULES)
    why = TextField()

    class Meta:
        indexes = ((("run", "rule", "accountant"), False),)
