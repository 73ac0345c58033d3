from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField

from models.base import BaseModel
from models.choices import Choices

LEVELS = Choices(("province", "省级"), ("city", "市级"), ("county", "县级"))


class Authority(BaseModel):
    """会计管理机构: a finance bureau's accounting section, one node of the authority tree."""

    code = CharField(unique=True)  # GB/T 2260 code, or a profile key for special authorities
    name = CharField(index=True)
    level = CharField(choices=LEVELS)
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    region_code = CharField(null=True, index=True)  # the region it manages, for routing
    special = BooleanField(default=False)  # 直属 / 林管局: never chosen by routing (002 §七.2)
    run_by = CharField(null=True)  # e.g. 内蒙古自治区会计学会 runs 自治区直属
    phones = CharField(default="")  # numbers joined by "；" as the manuals print them
    address = CharField(default="")
    office_hours = CharField(default="")  # 办公时间, as the bureau states it
    sort_order = IntegerField(default=0)
    is_active = BooleanField(default=True, index=True)
    merged_into = ForeignKeyField("self", null=True, on_delete="RESTRICT")
    edited_in_console = BooleanField(default=False)  # load-authorities leaves it alone then
    updated_at = DateTimeField(null=True)
    figures_version = IntegerField(default=0)  # counts the changes to what the console home's figures count

    PHONE_SEPARATOR = "；"

    @property
    def phone_list(self):
        return [p for p in self.phones.split(self.PHONE_SEPARATOR) if p]

    @property
    def level_label(self):
        return dict(LEVELS)[self.level]

    def __str__(self):
        return self.name
