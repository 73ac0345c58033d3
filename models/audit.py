from peewee import CharField, DateTimeField, ForeignKeyField, TextField

from models.account import Account
from models.base import BaseModel


class AuditEntry(BaseModel):
    """审计日志: who did or read what, when, from which address."""

    at = DateTimeField(index=True)
    actor = ForeignKeyField(Account, null=True, on_delete="RESTRICT")
    actor_name = CharField(default="")  # kept as typed for failed sign-ins of unknown names
    action = CharField(index=True)
    target_type = CharField(default="")
    target_id = CharField(default="")
    detail = TextField(default="")
    ip = CharField(default="")
