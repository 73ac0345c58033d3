from peewee import CharField, DateField, DateTimeField

from models.accountant import GENDERS, ID_TYPES
from models.base import BaseModel


class LegacyRecord(BaseModel):
    """原会计从业资格档案: a record imported from the old certificate database (001 图1-4, 002 §三)."""

    id_type = CharField(choices=ID_TYPES, default="resident")
    id_number = CharField()
    name = CharField()
    gender = CharField(choices=GENDERS, null=True)
    birth_date = DateField(null=True)
    phone = CharField(default="")
    unit_uscc = CharField(default="")
    unit_name = CharField(default="")
    education_level = CharField(default="")
    qualification_level = CharField(default="")
    certificate_no = CharField(default="")
    work_started_on = DateField(null=True)
    ethnicity = CharField(default="")
    political_status = CharField(default="")
    education_major = CharField(default="")  # the full-time education's, as the columns above
    education_school = CharField(default="")
    graduated_on = DateField(null=True)
    education_degree = CharField(default="")
    post = CharField(default="")  # 会计工作岗位
    qualification_kind = CharField(default="")
    qualification_acquired_on = DateField(null=True)
    imported_at = DateTimeField()

    class Meta:
        indexes = ((("id_number", "id_type"), True),)
