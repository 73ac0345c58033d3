from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, TextField

from models.account import Account
from models.accountant import Accountant
from models.base import BaseModel
from models.choices import Choices
from models.work_history import WorkPeriod

DEPARTURE_KINDS = Choices(("retired", "退休"), ("deceased", "死亡"), ("left", "离开会计行业"))


class Departure(BaseModel):
    """自然减员: the bureau that manages a person records that they retired, died or left the profession; they
    leave the archive that day. Undone by the same bureau, with a reason: what it changed is kept to put back."""

    accountant = ForeignKeyField(Accountant, backref="departures", on_delete="RESTRICT")
    kind = CharField(choices=DEPARTURE_KINDS)
    departed_on = DateField()
    reason = TextField()
    was_on_duty = BooleanField()
    closed_period = ForeignKeyField(WorkPeriod, null=True, on_delete="RESTRICT")  # the work period it ended
    recorded_by = ForeignKeyField(Account, on_delete="RESTRICT")
    recorded_at = DateTimeField()
    undone_by = ForeignKeyField(Account, null=True, on_delete="RESTRICT")
    undone_at = DateTimeField(null=True)
    undo_reason = TextField(default="")
