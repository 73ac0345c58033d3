from peewee import CharField, DateField, DateTimeField, ForeignKeyField, TextField

from models.account import Account
from models.accountant import Accountant
from models.attachment import Attachment
from models.base import BaseModel
from models.choices import Choices

CREDIT_KINDS = Choices(("trust", "守信"), ("breach", "失信"))
CREDIT_SOURCES = Choices(("accountant", "本人申报"), ("unit", "单位申报"), ("bureau", "会计管理机构记载"))
CREDIT_STATES = Choices(("pending", "待确认"), ("confirmed", "已确认"), ("rejected", "未确认"))


class CreditRecord(BaseModel):
    """会计信用信息: a 守信 or 失信 record (002 §十二(五)): the accountant's own declaration, with its proof, and
    the bureau's are recorded at once; those a unit reports count once the bureau confirms them."""

    accountant = ForeignKeyField(Accountant, backref="credit_records", on_delete="RESTRICT")
    kind = CharField(choices=CREDIT_KINDS)
    source = CharField(choices=CREDIT_SOURCES)
    status = CharField(choices=CREDIT_STATES, default="pending")
    occurred_on = DateField()
    description = TextField()
    entered_by = ForeignKeyField(Account, on_delete="RESTRICT")
    entered_at = DateTimeField()
    confirmed_by = ForeignKeyField(Account, null=True, on_delete="RESTRICT")
    confirmed_at = DateTimeField(null=True)
    proof = ForeignKeyField(Attachment, null=True, on_delete="RESTRICT")  # the accountant's own declaration's

    class Meta:
        indexes = ((("status", "accountant"), False),)  # the bureaus' 待确认 count starts from the few pending
