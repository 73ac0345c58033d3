from peewee import BooleanField, CharField, IntegerField

from models.base import BaseModel
from models.choices import Choices

DICTIONARY_KINDS = Choices(
    ("ethnicity", "民族"),
    ("political_status", "政治面貌"),
    ("education_level", "学历"),
    ("degree", "学位"),
    ("post", "会计工作岗位"),
    ("admin_post", "会计行政职务"),
    ("tech_post", "会计专业技术职务"),
    ("economic_type", "单位经济类型"),
    ("industry", "所属行业"),
    ("qualification_kind", "专业技术资格类型"),
    ("qualification_level", "专业技术资格级别"),
    ("qualification_way", "专业技术资格取得方式"),
    ("abacus_level", "珠算等级"),
)


class DictionaryEntry(BaseModel):
    """字典项: one choice of a dropdown (ethnic groups, posts, education levels …)."""

    kind = CharField(choices=DICTIONARY_KINDS)
    code = CharField()
    name = CharField()
    sort_order = IntegerField(default=0)
    is_active = BooleanField(default=True)
    edited_in_console = BooleanField(default=False)

    class Meta:
        indexes = ((("kind", "code"), True),)

    def __str__(self):
        return self.name
