from peewee import CharField, DateTimeField, ForeignKeyField

from models.authority import Authority
from models.base import BaseModel
from models.choices import Choices

UNIT_STATES = Choices(("active", "正常"), ("closed", "已注销"))


class Unit(BaseModel):
    """工作单位: an employer, known by its unified social credit code (统一社会信用代码)."""

    uscc = CharField(unique=True)
    name = CharField(index=True)
    region_code = CharField(index=True)  # USCC characters 3-8, or chosen from the address
    authority = ForeignKeyField(Authority, backref="units", on_delete="RESTRICT")
    address = CharField(default="")
    phone = CharField(default="")
    economic_type = CharField(default="")
    industry = CharField(default="")
    state = CharField(choices=UNIT_STATES, default="active")
    merged_into = ForeignKeyField("self", null=True, on_delete="RESTRICT")
    created_at = DateTimeField()

    def __str__(self):
        return self.name
