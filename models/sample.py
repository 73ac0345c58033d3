from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from models.account import Account
from models.base import BaseModel


class SlotSample(BaseModel):
    """材料示例 (001 J-6.6, 002 §四): the sample image of one upload slot (a key of console.collection.attachments
    SLOTS or OTHER_SLOTS), set by an admin at the province and shown beside the slot; console.content.samples."""

    slot = CharField(unique=True)
    storage_name = CharField(unique=True)
    content_type = CharField()
    size = IntegerField()
    sha256 = CharField()
    uploaded_by = ForeignKeyField(Account, on_delete="RESTRICT")
    uploaded_at = DateTimeField()
