from peewee import CharField, DateTimeField, ForeignKeyField

from models.account import Account
from models.base import BaseModel


class AccountSession(BaseModel):
    """登录会话: one signed-in browser, kept on the server so that it can be ended there. The cookie carries a
    random token; this keeps only its hash."""

    account = ForeignKeyField(Account, backref="sessions", on_delete="CASCADE")
    token_hash = CharField(unique=True)
    created_at = DateTimeField()
    ended_at = DateTimeField(null=True, index=True)
    ended_why = CharField(default="")
