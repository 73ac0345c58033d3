from peewee import BooleanField, CharField, DateField, ForeignKeyField

from models.accountant import Accountant
from models.base import BaseModel
from models.unit import Unit


class WorkPeriod(BaseModel):
    """会计工作履历: one period of work; only on-duty periods count toward accounting work years."""

    accountant = ForeignKeyField(Accountant, backref="work_periods", on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    started_on = DateField()
    ended_on = DateField(null=True)  # open while it goes on
    on_duty = BooleanField(default=True)
    source = CharField(default="system")  # declared by the accountant once, then kept by the system
