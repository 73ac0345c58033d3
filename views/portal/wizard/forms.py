"""The wizard's forms, one per section; dropdowns are filled from the dictionaries at request time."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField
from wtforms.fields import DateField
from wtforms.validators import Optional

from models import DictionaryEntry
from models.collection import RESIDENCE_TYPES

YES_NO = [("1", "是"), ("0", "否")]
NATIONALITIES = ["中国", "中国香港", "中国澳门", "中国台湾", "其他国家或地区"]


def date_field(label):
    return DateField(label, validators=[Optional()], format="%Y-%m-%d")


class Chosen(SelectField):
    """A dropdown of one dictionary; its choices are read when the form is made."""

    def __init__(self, label, kind, **kwargs):
        super().__init__(label, validate_choice=False, **kwargs)
        self.kind = kind


class PersonalForm(FlaskForm):
    ethnicity = Chosen("民族", "ethnicity")
    nationality = SelectField(
        "国家（地区）", choices=[("", "请选择")] + [(n, n) for n in NATIONALITIES], validate_choice=False
    )
    political_status = Chosen("政治面貌", "political_status")
    email = StringField("电子邮箱")
    email_code = StringField("邮箱验证码")


class PostForm(FlaskForm):
    has_unit = RadioField("是否有工作单位", choices=YES_NO, validate_choice=False)
    unit_uscc = StringField("统一社会信用代码")
    unit_name = StringField("单位全称")
    unit_address = StringField("单位地址")
    unit_economic_type = Chosen("单位经济类型", "economic_type")
    licence = FileField("统一社会信用代码证书（营业执照、法人证书等）扫描件")
    on_duty = RadioField("是否在岗", choices=YES_NO, validate_choice=False)
    post = Chosen("现从事会计工作岗位", "post")
    admin_post = Chosen("会计行政职务", "admin_post")
    tech_post = Chosen("会计专业技术职务", "tech_post")
    tech_post_appointed_on = date_field("会计专业技术职务聘任时间")
    unit_phone = StringField("单位电话")
    joined_on = date_field("入职时间")
    work_started_on = date_field("开始从事会计工作时间")
    residence_type = SelectField("采集地", choices=[("", "请选择")] + list(RESIDENCE_TYPES), validate_choice=False)
    residence_region_code = SelectField("所在地区", validate_choice=False)
    school_name = StringField("学校名称")


def _education_fields(prefix, label):
    return {
        f"{prefix}_level": Chosen(f"{label}最高学历", "education_level"),
        f"{prefix}_degree": Chosen(f"{label}最高学位", "degree"),
        f"{prefix}_major": StringField(f"{label}所学专业"),
        f"{prefix}_school": StringField(f"{label}毕业院校"),
        f"{prefix}_graduated_on": date_field(f"{label}毕业时间"),
        f"{prefix}_certificate_no": StringField(f"{label}毕业证编号"),
        f"{prefix}_in_school": BooleanField(f"{label}在校"),
    }


EducationForm = type(
    "EducationForm",
    (FlaskForm,),
    {**_education_fields("full_time", "全日制"), **_education_fields("part_time", "非全日制")},
)


class QualificationForm(FlaskForm):
    level = Chosen("最高专业技术资格级别", "qualification_level")
    kind = Chosen("专业技术资格类型", "qualification_kind")
    way = Chosen("取得方式", "qualification_way")
    acquired_on = date_field("取得时间")
    certificate_no = StringField("证书编号或批文号")
    cpa = BooleanField("注册会计师")
    tax_adviser = BooleanField("税务师")
    asset_appraiser = BooleanField("资产评估师")
    abacus_level = Chosen("珠算等级", "abacus_level")
    abacus_certificate_no = StringField("珠算证号")


class TalentForm(FlaskForm):
    high_end_talent = BooleanField("入选会计领军（高端）人才")


class CommitmentForm(FlaskForm):
    agree = RadioField("诚信提供信息承诺", choices=[("1", "同意"), ("0", "不同意")], validate_choice=False)


class AwardForm(FlaskForm):
    awarded_on = date_field("获奖日期")
    level = StringField("获奖级别")
    issuer = StringField("颁奖单位")
    content = StringField("获奖内容")


class ViolationForm(FlaskForm):
    kind = StringField("违法违规事项类型")
    punished_on = date_field("处罚日期")
    effective_on = date_field("生效日期")
    punisher = StringField("处罚机关")
    category = StringField("处罚类别")
    content = StringField("处罚内容")
    term = StringField("处罚期限")
    ends_on = date_field("截止日期")


class PublicationForm(FlaskForm):
    title = StringField("论文及著作名称")
    published_on = date_field("发表时间")
    issue = StringField("期数")
    serial_no = StringField("刊号或书号")
    author_rank = StringField("第几作者")
    publisher = StringField("刊物或出版社名称")


class UploadForm(FlaskForm):
    file = FileField("选择文件")


class FittedPhotoForm(FlaskForm):
    fitted = HiddenField()


class SubmitForm(FlaskForm):
    confirm = BooleanField("本人承诺所填信息和上传材料真实、准确、完整")


FORMS = {
    "personal": PersonalForm,
    "post": PostForm,
    "education": EducationForm,
    "qualification": QualificationForm,
    "talent": TalentForm,
    "commitment": CommitmentForm,
    "awards": AwardForm,
    "violations": ViolationForm,
    "publications": PublicationForm,
}


def fill_choices(form):
    for field in form:
        if isinstance(field, Chosen):
            names = [
                e.name
                for e in DictionaryEntry.select(DictionaryEntry.name)
                .where(DictionaryEntry.kind == field.kind, DictionaryEntry.is_active)
                .order_by(DictionaryEntry.sort_order)
            ]
            field.choices = [("", "请选择")] + [(n, n) for n in names]
