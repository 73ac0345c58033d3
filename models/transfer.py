from peewee import CharField, DateTimeField, ForeignKeyField, TextField

from models.account import Account
from models.accountant import ID_TYPES, Accountant
from models.authority import Authority
from models.base import BaseModel
from models.choices import Choices
from models.collection import Collection

TRANSFER_DIRECTIONS = Choices(("out", "调出"), ("in", "调入"))
TRANSFER_STATES = Choices(
    ("submitted", "待确认"),
    ("approved", "已调出"),
    ("returned", "已退回"),
    ("imported", "已调入"),
)


class Transfer(BaseModel):
    """档案调转 (002 §十二(六)): a person's archive leaving for another province (调出: asked by the person, confirmed
    by their bureau, which produces the signed package) or arriving from one (调入: the package uploaded here)."""

    direction = CharField(choices=TRANSFER_DIRECTIONS)
    status = CharField(choices=TRANSFER_STATES)
    accountant = ForeignKeyField(Accountant, backref="transfers", on_delete="RESTRICT")
    authority = ForeignKeyField(Authority, backref="transfers", on_delete="RESTRICT")  # confirms it, or imported it
    id_type = CharField(choices=ID_TYPES, default="resident")
    id_number = CharField()
    name = CharField()
    province_code = CharField()  # the other province: where the archive goes, or where it comes from
    province = CharField()  # its name
    reason = TextField(default="")  # the person's, for leaving
    note = TextField(default="")  # the bureau's reason for a return
    package_id = CharField(null=True, unique=True)  # the package's transfer_id
    storage_name = CharField(null=True)  # the package (zip) kept in storage
    collection = ForeignKeyField(Collection, null=True, on_delete="RESTRICT")  # 调入: the draft made from it
    answers = TextField(null=True)  # 调入: what the package held, as a submission keeps answers (the diff's base)
    files = TextField(null=True)  # 调入: {slot: sha256} of the package's scans
    requested_at = DateTimeField()
    requested_by = ForeignKeyField(Account, null=True, on_delete="RESTRICT")
    decided_at = DateTimeField(null=True)
    decided_by = ForeignKeyField(Account, null=True, on_delete="RESTRICT")

    class Meta:
        indexes = (
            (("authority", "direction", "status", "requested_at"), False),  # a bureau's list
            (("id_number", "id_type"), False),  # the duplicate check
        )


class ArchivedElsewhere(BaseModel):
    """全国已建档名单: who the national list says is archived in which province (imported by the province admin)."""

    id_type = CharField(choices=ID_TYPES, default="resident")
    id_number = CharField()
    province_code = CharField()
    province = CharField()
    imported_at = DateTimeField()

    class Meta:
        indexes = ((("id_number", "id_type"), True),)
