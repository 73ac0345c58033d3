import re

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from models.account import Account
from models.accountant import GENDERS, ID_TYPES, Accountant
from models.authority import Authority
from models.base import BaseModel
from models.choices import Choices
from models.unit import Unit

COLLECTION_STATES = Choices(
    ("draft", "草稿"),
    ("submitted", "待审核"),
    ("approved", "审核通过"),
    ("returned", "已退回"),
    ("withdrawn", "已撤回"),
)
OPEN_STATES = ("draft", "submitted", "returned", "withdrawn")
COLLECTION_KINDS = Choices(("collection", "信息采集"), ("change", "信息变更"), ("transfer", "档案调入"))
RESIDENCE_TYPES = Choices(
    ("household", "户籍所在地"),
    ("residence_permit", "居住地（居住证）"),
    ("student", "学校所在地（在校学生）"),
    ("out_of_province", "外省人员居住地"),
)
EDUCATION_MODES = Choices(("full_time", "全日制"), ("part_time", "非全日制"))
# 会计领军人才: the categories of the 全国会计领军人才培养工程, and where a person's training stands
TALENT_CATEGORIES = Choices(*((c, c) for c in ("企业类", "行政事业类", "注册会计师类", "学术类", "其他")))
TALENT_STATES = Choices(*((s, s) for s in ("在培", "已毕业", "已退出")))


class SpacelessField(CharField):
    """Text kept without the spaces it was typed with: a code printed in groups (0908 8869 3519) is its digits."""

    def db_value(self, value):
        return super().db_value(re.sub(r"\s", "", value) if isinstance(value, str) else value)


class Collection(BaseModel):
    """信息采集: one accountant's submission, worked through the review states."""

    accountant = ForeignKeyField(Accountant, backref="collections", on_delete="RESTRICT")
    authority = ForeignKeyField(Authority, backref="collections", on_delete="RESTRICT")
    kind = CharField(choices=COLLECTION_KINDS, default="collection")
    status = CharField(choices=COLLECTION_STATES, default="draft")
    step = CharField(default="")  # the wizard section to resume at
    revision = IntegerField(default=0)  # incremented on every submission
    flags = CharField(default="")  # automatic check results, comma-separated
    # as submitted, for the queue's filters: read with the row, not probed in the sections for each row
    on_duty = BooleanField(null=True)
    education_level = CharField(default="")  # the full-time education's
    qualification_level = CharField(default="")
    commitment_at = DateTimeField(null=True)  # 诚信承诺 agreed (002 §五)
    submitted_at = DateTimeField(null=True)
    decided_at = DateTimeField(null=True)
    decided_by = ForeignKeyField(Account, null=True, on_delete="RESTRICT")
    claimed_by = ForeignKeyField(Account, null=True, on_delete="RESTRICT")
    claimed_until = DateTimeField(null=True)
    created_at = DateTimeField()
    updated_at = DateTimeField()

    class Meta:
        indexes = (
            (("authority", "status", "submitted_at"), False),  # one authority's queue, oldest first
            (("status", "submitted_at"), False),  # the province admin's queue across authorities
        )


class _Section(BaseModel):
    collection = ForeignKeyField(Collection, unique=True, on_delete="CASCADE")


class PersonalSection(_Section):
    """个人信息."""

    name = CharField()
    id_type = CharField(choices=ID_TYPES)
    id_number = CharField(index=True)
    gender = CharField(choices=GENDERS, null=True)
    birth_date = DateField(null=True)
    ethnicity = CharField(default="")
    nationality = CharField(default="")
    political_status = CharField(default="")
    phone = CharField(index=True)
    email = CharField(default="")
    email_verified = BooleanField(default=False)


class PostSection(_Section):
    """单位与岗位."""

    has_unit = BooleanField(null=True)
    unit = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    unit_uscc = CharField(default="", index=True)
    on_duty = BooleanField(null=True)
    post = CharField(default="")  # 会计工作岗位
    admin_post = CharField(default="")  # 会计行政职务
    tech_post = CharField(default="")  # 会计专业技术职务
    tech_post_appointed_on = DateField(null=True)
    unit_phone = CharField(default="")
    joined_on = DateField(null=True)
    work_started_on = DateField(null=True)
    work_region_code = CharField(default="")  # the region the person chooses (吉林 单位所属区域, 重庆 工作地所在地区)
    chosen_authority = ForeignKeyField(Authority, null=True, on_delete="RESTRICT")  # 兵团: the 会计管理部门 chosen
    residence_type = CharField(choices=RESIDENCE_TYPES, default="")
    residence_region_code = CharField(default="")
    school_name = CharField(default="")
    letter_code = CharField(default="")  # 从事会计工作证明函 verification code


class QualificationSection(_Section):
    """专业技术资格."""

    kind = CharField(default="")  # 会计类/经济类/审计类/统计类/其他
    level = CharField(default="")  # 初级/中级/副高级/正高级/无
    way = CharField(default="")  # 考试/评审/认定
    acquired_on = DateField(null=True)
    certificate_no = CharField(default="")
    cpa = BooleanField(default=False)
    tax_adviser = BooleanField(default=False)
    asset_appraiser = BooleanField(default=False)
    # 是否高端人才 and, for one, the 会计领军人才 details (002 §九-十, 001 人才信息); unanswered: None
    high_end_talent = BooleanField(null=True, default=False)
    talent_category = CharField(default="")  # 会计领军人才类别
    talent_state = CharField(default="")  # 培养状态
    talent_period = CharField(default="")  # 期次: a number, kept as typed until the rules accept it
    talent_selected_year = CharField(default="")  # 入选年度
    talent_graduated_year = CharField(default="")  # 毕业年度
    abacus_level = CharField(default="")
    abacus_certificate_no = CharField(default="")


class Education(BaseModel):
    """学历学位: the full-time (required) and part-time (optional) highest education."""

    collection = ForeignKeyField(Collection, backref="educations", on_delete="CASCADE")
    mode = CharField(choices=EDUCATION_MODES)
    level = CharField(default="")
    degree = CharField(default="")
    major = CharField(default="")
    school = CharField(default="")
    graduated_on = DateField(null=True)
    certificate_no = CharField(default="")
    in_school = BooleanField(default=False)
    # 学历电子备案表在线验证码 (002 §八): optional; given with the 备案表's scan, the education is 加标
    record_code = SpacelessField(default="")

    class Meta:
        indexes = ((("collection", "mode"), True),)


class Award(BaseModel):
    """守信信息: an award, all fields or none (003 §2.5); a draft may hold it half filled."""

    collection = ForeignKeyField(Collection, backref="awards", on_delete="CASCADE")
    awarded_on = DateField(null=True)
    level = CharField(null=True)
    issuer = CharField(null=True)
    content = TextField(null=True)


class Violation(BaseModel):
    """失信信息: a sanction, all fields or none (003 §2.6)."""

    collection = ForeignKeyField(Collection, backref="violations", on_delete="CASCADE")
    kind = CharField(null=True)
    punished_on = DateField(null=True)
    effective_on = DateField(null=True)
    punisher = CharField(null=True)
    category = CharField(null=True)
    content = TextField(null=True)
    term = CharField(null=True)
    ends_on = DateField(null=True)


class Publication(BaseModel):
    """已发表论文: a paper or book, all fields or none; the author rank is a number (003 §2.7)."""

    collection = ForeignKeyField(Collection, backref="publications", on_delete="CASCADE")
    title = CharField(null=True)
    published_on = DateField(null=True)
    issue = CharField(null=True)
    serial_no = CharField(null=True)  # 刊号或书号
    author_rank = IntegerField(null=True)
    publisher = CharField(null=True)
