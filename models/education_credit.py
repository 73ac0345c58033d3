from decimal import Decimal

from peewee import CharField, DateTimeField, DecimalField, ForeignKeyField, IntegerField

from models.account import Account
from models.accountant import Accountant
from models.attachment import Attachment
from models.base import BaseModel


class EducationCredit(BaseModel):
    """继续教育学分: credits an accountant earned in a year, from the credit bank (学分银行), or entered by
    the person's bureau from a proof (entered_by and proof set)."""

    accountant = ForeignKeyField(Accountant, backref="education_credits", on_delete="RESTRICT")
    year = IntegerField()
    credits = DecimalField(max_digits=6, decimal_places=1, default=Decimal("0"))
    professional_credits = DecimalField(max_digits=6, decimal_places=1, default=Decimal("0"))
    provider = CharField(default="")
    imported_at = DateTimeField()  # when it was imported or entered
    entered_by = ForeignKeyField(Account, null=True, on_delete="RESTRICT")
    proof = ForeignKeyField(Attachment, null=True, on_delete="RESTRICT")

    class Meta:
        indexes = ((("accountant", "year"), False),)
