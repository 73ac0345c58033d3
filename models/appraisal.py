from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from models.account import Account
from models.accountant import Accountant
from models.authority import Authority
from models.base import BaseModel
from models.choices import Choices
from models.unit import Unit

GRADES = Choices(
    ("excellent", "优秀"),
    ("qualified", "合格"),
    ("basically_qualified", "基本合格"),
    ("unqualified", "不合格"),
)


class Appraisal(BaseModel):
    """年度考评: a unit's yearly appraisal of an on-duty accountant on 德、能、勤、绩、廉 (002 §十二(三))."""

    accountant = ForeignKeyField(Accountant, backref="appraisals", on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, backref="appraisals", on_delete="RESTRICT")
    year = IntegerField()
    grade = CharField(choices=GRADES)
    morality = TextField(default="")  # 德
    ability = TextField(default="")  # 能
    diligence = TextField(default="")  # 勤
    performance = TextField(default="")  # 绩
    integrity = TextField(default="")  # 廉
    entered_by = ForeignKeyField(Account, on_delete="RESTRICT")
    entered_at = DateTimeField()

    class Meta:
        indexes = ((("accountant", "year"), True),)


class AppraisalYear(BaseModel):
    """考评年度关闭: once a bureau closes a year, its appraisals can no longer be edited."""

    authority = ForeignKeyField(Authority, on_delete="RESTRICT")
    year = IntegerField()
    closed_at = DateTimeField()
    closed_by = ForeignKeyField(Account, on_delete="RESTRICT")

    class Meta:
        indexes = ((("authority", "year"), True),)
