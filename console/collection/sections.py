"""The wizard's sections and their fields: one schema that the wizard's forms are built from, the preview and
the review page label their answers by, and the return-reason templates point into.

A field's kind says how it is asked and shown: text, date, yes_no (是/否, or its own two choices), flag (a checkbox), dictionary (a
dropdown of one 字典), choice (fixed options) and fixed (shown, taken from the registration, not typed here).
`shown_when` names the answer of another field the field applies to (the wizard hides it otherwise);
`asked_when` the profile setting only some profiles ask it under. A "registered" field comes from the
registration and is typed only where the rules allow; "authority" is a 会计管理部门 chosen from the tree."""

from dataclasses import dataclass, replace

from models.accountant import GENDERS, ID_TYPES
from models.choices import Choices
from models.collection import RESIDENCE_TYPES, TALENT_CATEGORIES, TALENT_STATES

YES_NO = Choices(("1", "是"), ("0", "否"))
AGREE = Choices(("1", "同意"), ("0", "不同意"))
NATIONALITIES = Choices(*((n, n) for n in ("中国", "中国香港", "中国澳门", "中国台湾", "其他国家或地区")))


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"
    dictionary: str = ""  # the 字典 of a "dictionary" field
    choices: Choices = Choices()  # the options of a "choice" (or a coded "fixed") field
    shown_when: tuple = ()  # (field, answer) it applies to
    asked_when: tuple = ()  # (profile setting, value): only profiles with that setting ask it

    def shown_value(self, value):
        """An answer as the person chose it: 是/否, a choice's label (male → 男), a date as 2015-03-01."""
        if value is None or value == "":
            return ""
        if self.kind in ("yes_no", "flag"):
            return (self.choices or YES_NO).label("1" if yes(value) else "0")
        return self.choices.label(value, str(value)) if self.choices else str(value)

    def asked(self, profile):
        return not self.asked_when or getattr(profile, self.asked_when[0]) == self.asked_when[1]

    def applies(self, answers):
        """Whether the field is asked, given the answers (typed, stored or as a snapshot's text)."""
        return not self.shown_when or yes(answers.get(self.shown_when[0])) == self.shown_when[1]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    fields: tuple = ()

    def field(self, name):
        return next((f for f in self.fields if f.name == name), None)


def yes(value):
    """An answer of 是/否 as True or False (None when not given), typed, stored or as a snapshot's text."""
    return {True: True, "1": True, "是": True, False: False, "0": False, "否": False}.get(value)


def _when(answer, *fields):
    """The fields, asked only under that answer of another field: (field, True or False)."""
    return tuple(replace(f, shown_when=answer) for f in fields)


def _with_unit(*fields):
    return _when(("has_unit", True), *fields)


def _without_unit(*fields):
    return _when(("has_unit", False), *fields)


def _education(prefix, label):
    return (
        Field(f"{prefix}_level", f"{label}最高学历", "dictionary", "education_level"),
        Field(f"{prefix}_degree", f"{label}最高学位", "dictionary", "degree"),
        Field(f"{prefix}_major", f"{label}所学专业"),
        Field(f"{prefix}_school", f"{label}毕业院校"),
        Field(f"{prefix}_graduated_on", f"{label}毕业时间", "date"),
        Field(f"{prefix}_certificate_no", f"{label}毕业证编号"),
        Field(f"{prefix}_in_school", f"{label}在校", "flag"),
        # optional; given, the 备案表's scan is asked and the education is 加标 (console.collection.credentials)
        Field(f"{prefix}_record_code", f"{label}学历电子备案表在线验证码", asked_when=("education_record", True)),
    )


# 是否高端人才 and, for one, the 会计领军人才 details: 内蒙古 asks them in 专业技术资格信息 (002 §九, the preview of
# §十), 吉林 in its own 人才信息 step (001); kept with the qualification's answers.
TALENT = (
    Field("high_end_talent", "是否高端人才", "yes_no"),
    *_when(
        ("high_end_talent", True),
        Field("talent_category", "会计领军人才类别", "choice", choices=TALENT_CATEGORIES),
        Field("talent_state", "培养状态", "choice", choices=TALENT_STATES),
        Field("talent_period", "期次"),
        Field("talent_selected_year", "入选年度"),
        Field("talent_graduated_year", "毕业年度"),
    ),
)


SECTIONS = {
    section.key: section
    for section in (
        Section("notice", "阅读须知"),
        Section("preparation", "信息采集准备"),
        Section("commitment", "诚信承诺", (Field("agree", "诚信提供信息承诺", "yes_no", choices=AGREE),)),
        Section(
            "personal",
            "个人信息",
            (
                # from the registration; the name, gender and birth date may be typed where the rules allow
                # (console.collection.lifecycle.typed_identity)
                Field("name", "姓名", "registered"),
                Field("id_type", "证件类型", "fixed", choices=ID_TYPES),
                Field("id_number", "证件号码", "fixed"),
                Field("gender", "性别", "registered", choices=GENDERS),
                Field("birth_date", "出生日期", "registered"),
                Field("phone", "手机号码", "fixed"),
                Field("ethnicity", "民族", "dictionary", "ethnicity"),
                Field("nationality", "国家（地区）", "choice", choices=NATIONALITIES),
                Field("political_status", "政治面貌", "dictionary", "political_status"),
                Field("email", "电子邮箱"),
            ),
        ),
        Section(
            "post",
            "单位与岗位",
            (
                Field("has_unit", "是否有工作单位", "yes_no"),
                *_with_unit(
                    Field("unit_uscc", "统一社会信用代码"),
                    Field("work_region_code", "所在地区", "choice", asked_when=("routing", "region")),
                    Field("on_duty", "是否在岗", "yes_no"),
                    Field("post", "现从事会计工作岗位", "dictionary", "post"),
                    Field("admin_post", "会计行政职务", "dictionary", "admin_post"),
                    Field("tech_post", "会计专业技术职务", "dictionary", "tech_post"),
                    Field("tech_post_appointed_on", "会计专业技术职务聘任时间", "date"),
                    Field("unit_phone", "单位电话"),
                    Field("joined_on", "入职时间", "date"),
                ),
                Field("work_started_on", "开始从事会计工作时间", "date"),
                *_without_unit(
                    Field("residence_type", "采集地", "choice", choices=RESIDENCE_TYPES),
                    Field("residence_region_code", "所在地区", "choice"),
                    Field("school_name", "学校名称"),
                ),
                Field("chosen_authority", "会计管理部门", "authority", asked_when=("routing", "authority")),
            ),
        ),
        Section("education", "学历学位", _education("full_time", "全日制") + _education("part_time", "非全日制")),
        Section(
            "qualification",
            "专业技术资格",
            (
                Field("level", "最高专业技术资格级别", "dictionary", "qualification_level"),
                Field("kind", "专业技术资格类型", "dictionary", "qualification_kind"),
                Field("way", "取得方式", "dictionary", "qualification_way"),
                Field("acquired_on", "取得时间", "date"),
                Field("certificate_no", "证书编号或批文号"),
                Field("cpa", "注册会计师", "flag"),
                Field("tax_adviser", "税务师", "flag"),
                Field("asset_appraiser", "资产评估师", "flag"),
                *(replace(f, asked_when=("talent_with_qualification", True)) for f in TALENT),
                Field("abacus_level", "珠算等级", "dictionary", "abacus_level", asked_when=("abacus", True)),
                Field("abacus_certificate_no", "珠算证号", asked_when=("abacus", True)),
            ),
        ),
        Section("talent", "人才信息", TALENT),
        Section(
            "awards",
            "守信信息",
            (
                Field("awarded_on", "获奖日期", "date"),
                Field("level", "获奖级别"),
                Field("issuer", "颁奖单位"),
                Field("content", "获奖内容"),
            ),
        ),
        Section(
            "violations",
            "失信信息",
            (
                Field("kind", "违法违规事项类型"),
                Field("punished_on", "处罚日期", "date"),
                Field("effective_on", "生效日期", "date"),
                Field("punisher", "处罚机关"),
                Field("category", "处罚类别"),
                Field("content", "处罚内容"),
                Field("term", "处罚期限"),
                Field("ends_on", "截止日期", "date"),
            ),
        ),
        Section(
            "publications",
            "已发表论文",
            (
                Field("title", "论文及著作名称"),
                Field("published_on", "发表时间", "date"),
                Field("issue", "期数"),
                Field("serial_no", "刊号或书号"),
                Field("author_rank", "第几作者"),
                Field("publisher", "刊物或出版社名称"),
            ),
        ),
        Section("attachments", "附件上传"),
        Section("preview", "预览确认"),
    )
}
TITLES = {key: section.title for key, section in SECTIONS.items()}
# The records of awards, violations and publications, by their section (003 §2.5-2.7).
RECORDS = {"awards": "award", "violations": "violation", "publications": "publication"}
# Where an answer is kept: the talent section shares the qualification row (and its labels on the review page).
STORED_IN = {"talent": "qualification"}


def labels():
    """{section: {field: label}} as the review page, the diff and the reason templates name fields."""
    found = {}
    for section in SECTIONS.values():
        found.setdefault(STORED_IN.get(section.key, section.key), {}).update({f.name: f.label for f in section.fields})
    return found


REGION_FIELDS = ("work_region_code", "residence_region_code")  # a code chosen from the tree, shown by its name


def shown(flat, keys, profile, regions):
    """[(section, stored under, [(field, shown value)])] of the given sections, with the fields the profile asks
    that apply to the answers, from a submission's snapshot ({section: {field: text}},
    console.collection.answers.flat); `regions` names the region codes. The 会计管理部门 chosen is shown as
    the collection's authority, not here."""
    found = []
    for key in keys:
        section, stored = SECTIONS[key], STORED_IN.get(key, key)
        answers = flat.get(stored, {})
        fields = [f for f in section.fields if f.kind != "authority" and f.asked(profile) and f.applies(answers)]
        found.append((section, stored, [(f, _shown(f, answers.get(f.name), regions)) for f in fields]))
    return found


def _shown(field, value, regions):
    return regions.get(value, value or "") if field.name in REGION_FIELDS else field.shown_value(value)


# The sections a return reason points into (the talent answers are kept, and pointed at, in qualification's).
REASON_SECTIONS = Choices(
    *(
        (key, TITLES[key])
        for key in ("personal", "post", "education", "qualification", "awards", "violations", "publications")
    ),
    ("attachments", TITLES["attachments"]),
)
