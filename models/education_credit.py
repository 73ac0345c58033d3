from decimal import Decimal

from peewee import CharField, DateTimeField, DecimalField, ForeignKeyField, IntegerField

from models.accountant import Accountant
from models.base import BaseModel


class EducationCredit(BaseModel):
    """继续教育学分: credits an accountant earned in a year, from the credit bank (学分银行)."""

    accountant = ForeignKeyField(Accountant, backref="education_credits", on_delete="RESTRICT")
    year = IntegerField()
    credits = DecimalField(max_digits=6, decimal_places=1, default=Decimal("0"))
    professional_credits = DecimalField(max_digits=6, decimal_places=1, default=Decimal("0"))
    provider = CharField(default="")
    imported_at = DateTimeField()

    class Meta:
        indexes = ((("accountant", "year"), False),)
