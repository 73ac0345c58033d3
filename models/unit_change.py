from peewee import CharField, DateTimeField, ForeignKeyField, TextField

from models.account import Account
from models.base import BaseModel
from models.choices import Choices
from models.unit import Unit

CHANGE_STATES = Choices(("submitted", "待确认"), ("approved", "已确认"), ("returned", "已退回"))


class UnitChange(BaseModel):
    """单位信息变更申请: a new name, USCC or region asked for by the unit's accounting head,
    in force once the bureau confirms it."""

    unit = ForeignKeyField(Unit, backref="changes", on_delete="RESTRICT")
    name = CharField()
    uscc = CharField()
    region_code = CharField()
    status = CharField(choices=CHANGE_STATES, default="submitted", index=True)
    requested_by = ForeignKeyField(Account, on_delete="RESTRICT")
    requested_at = DateTimeField()
    decided_by = ForeignKeyField(Account, null=True, on_delete="RESTRICT")
    decided_at = DateTimeField(null=True)
    note = TextField(default="")  # why it was returned
