from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField

from models.account import Account
from models.accountant import ID_TYPES, Accountant
from models.authority import Authority
from models.base import BaseModel
from models.choices import Choices
from models.unit import Unit

FILING_KINDS = Choices(
    ("qualification", "取得会计专业技术资格入库备案"),
    ("appointment", "单位聘任会计人员入库备案"),
    ("student", "会计类专业在校学生申报"),
    ("unit_head", "单位会计机构负责人备案"),
)
FILING_STATES = Choices(
    ("draft", "待上传证明函"),
    ("submitted", "待审核"),
    ("approved", "已确认"),
    ("returned", "已退回"),
)


class Filing(BaseModel):
    """备案: an entry filing, a student registration or a unit accounting head's filing letter,
    confirmed or returned by the bureau like a collection (002 §三, §十二(三)(七))."""

    kind = CharField(choices=FILING_KINDS)
    status = CharField(choices=FILING_STATES, default="submitted")
    authority = ForeignKeyField(Authority, backref="filings", on_delete="RESTRICT")
    accountant = ForeignKeyField(Accountant, null=True, backref="filings", on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, null=True, backref="filings", on_delete="RESTRICT")
    id_type = CharField(choices=ID_TYPES, default="resident")
    id_number = CharField(index=True)
    name = CharField()
    certificate_no = CharField(default="")
    qualification_level = CharField(default="")
    acquired_on = DateField(null=True)
    verification_code = CharField(default="")  # printed on the system-made 证明函
    major = CharField(default="")
    graduation_year = IntegerField(null=True)
    post = CharField(default="")  # an appointment's 会计工作岗位
    work_started_on = DateField(null=True)  # an appointment's start of accounting work
    submitted_at = DateTimeField()
    decided_at = DateTimeField(null=True)
    decided_by = ForeignKeyField(Account, null=True, on_delete="RESTRICT")
    ended_at = DateTimeField(null=True)  # a unit head replaced by a newer one

    class Meta:
        indexes = ((("authority", "kind", "status", "submitted_at"), False),)
