from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField

from models.authority import Authority
from models.base import BaseModel
from models.choices import Choices
from models.unit import Unit

ID_TYPES = Choices(
    ("resident", "居民身份证"),
    ("hmt", "港澳台居民证件"),
    ("passport", "护照"),
    ("military", "军官证"),
)
GENDERS = Choices(("male", "男"), ("female", "女"))
ARCHIVE_STATES = Choices(
    ("pending", "未入库"),
    ("archived", "在库"),
    ("abnormal", "异动"),
)


class Accountant(BaseModel):
    """会计人员档案: one person, identified for life by ID type and number (003)."""

    id_type = CharField(choices=ID_TYPES, default="resident")
    id_number = CharField()
    id_tail = CharField(index=True)  # last four characters, for the reviewers' search
    name = CharField(index=True)
    gender = CharField(choices=GENDERS, null=True)
    birth_date = DateField(null=True)
    phone = CharField(unique=True)  # one phone ↔ one ID (003)
    email = CharField(default="")
    authority = ForeignKeyField(Authority, backref="accountants", on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, null=True, backref="accountants", on_delete="RESTRICT")
    on_duty = BooleanField(default=False)
    archive_state = CharField(choices=ARCHIVE_STATES, default="pending", index=True)
    archived_at = DateTimeField(null=True)
    work_started_on = DateField(null=True)  # declared once, never edited (002 §七.1)
    created_at = DateTimeField()

    class Meta:
        indexes = ((("id_number", "id_type"), True),)

    def __str__(self):
        return self.name
