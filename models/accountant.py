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
    ("transferred", "已调出"),  # moved to another province (调转): kept read-only with its history
    ("departed", "自然减员"),  # retired, deceased or left the profession
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
    # the approved collection's in force, kept here on entering the archive so the statistics count one table
    education_level = CharField(default="")  # the full-time education's
    qualification_level = CharField(default="")
    created_at = DateTimeField()

    class Meta:
        indexes = ((("id_number", "id_type"), True),)

    def __str__(self):
        return self.name


# Everyone in the archive by bureau and by each figure the statistics count (console.archive.stats), so that
# they read this index alone; its columns in the order its GROUP BY walks them.
STATISTICS_INDEX = "accountant_statistics"
STATISTICS_COLUMNS = (
    "archive_state",
    "authority_id",
    "on_duty",
    "gender",
    "education_level",
    "qualification_level",
    "birth_date",
)
Accountant.add_index(*(Accountant._meta.columns[c] for c in STATISTICS_COLUMNS), name=STATISTICS_INDEX)
