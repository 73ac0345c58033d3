from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField

from models.authority import Authority
from models.base import BaseModel
from models.choices import Choices

UNIT_STATES = Choices(("active", "正常"), ("closed", "已注销"))
CODE_KINDS = Choices(("uscc", "统一社会信用代码"), ("org_code", "组织机构代码"), ("licence_no", "营业执照注册号"))


class Unit(BaseModel):
    """工作单位: an employer, known by its unified social credit code (统一社会信用代码), or where a profile
    allows, by its 组织机构代码 or old 营业执照注册号 (`code_kind` says which `uscc` holds)."""

    uscc = CharField(unique=True)
    code_kind = CharField(choices=CODE_KINDS, default="uscc")
    name = CharField(index=True)
    region_code = CharField(index=True)  # where its address is: chosen when added, prefilled from the code
    authority = ForeignKeyField(Authority, backref="units", on_delete="RESTRICT")  # the bureau that manages it
    assigned = BooleanField(default=False)  # put under a special authority (直属, 林管局) by the admin
    address = CharField(default="")
    phone = CharField(default="")
    economic_type = CharField(default="")
    industry = CharField(default="")
    state = CharField(choices=UNIT_STATES, default="active")
    merged_into = ForeignKeyField("self", null=True, on_delete="RESTRICT")
    created_at = DateTimeField()

    def __str__(self):
        return self.name
