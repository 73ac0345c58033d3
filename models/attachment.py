from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from models.account import Account
from models.accountant import Accountant
from models.base import BaseModel
from models.collection import Collection
from models.filing import Filing
from models.unit import Unit


class Attachment(BaseModel):
    """附件: one uploaded scan, stored outside static/ under a generated name.

    It belongs to a collection (by slot: photo, id_front, diploma …), a unit (its licence), a filing (a
    certificate, a letter, a student report) or a person's archive (the proof of an ID number corrected)."""

    slot = CharField()
    collection = ForeignKeyField(Collection, null=True, backref="attachments", on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, null=True, backref="attachments", on_delete="RESTRICT")
    filing = ForeignKeyField(Filing, null=True, backref="attachments", on_delete="RESTRICT")
    accountant = ForeignKeyField(Accountant, null=True, backref="documents", on_delete="RESTRICT")
    storage_name = CharField(unique=True)
    content_type = CharField()
    size = IntegerField()
    width = IntegerField(null=True)
    height = IntegerField(null=True)
    sha256 = CharField(index=True)
    uploaded_by = ForeignKeyField(Account, null=True, on_delete="RESTRICT")
    uploaded_at = DateTimeField()
