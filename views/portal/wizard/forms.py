"""The wizard's forms, built from the sections' schema (console.collection.sections), one per section with
fields; dropdowns of a 字典 are filled from the dictionaries at request time. A few fields are the form's own,
not answers: the e-mail code, and what adds a unit the system does not know yet."""

from dataclasses import replace

from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField
from wtforms.fields import DateField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from console.collection.sections import SECTIONS, YES_NO
from console.infra import dictionaries
from views.forms import Form

BLANK = "请选择"


class Chosen(SelectField):
    """A dropdown of one dictionary; its choices are read when the form is made."""

    def __init__(self, label, kind, **kwargs):
        super().__init__(label, validate_choice=False, **kwargs)
        self.kind = kind


def _field(spec):
    if spec.kind == "registered":  # typed only where the rules allow: then as its kind of value
        return _field(replace(spec, kind="date" if spec.name == "birth_date" else "choice" if spec.choices else "text"))
    if spec.kind == "date":
        return DateField(spec.label, validators=[Optional()], format="%Y-%m-%d")
    if spec.kind == "yes_no":
        return RadioField(spec.label, choices=(spec.choices or YES_NO).options(), validate_choice=False)
    if spec.kind == "flag":
        return BooleanField(spec.label)
    if spec.kind == "dictionary":
        return Chosen(spec.label, spec.dictionary)
    if spec.kind in ("choice", "authority"):  # options from the schema, or filled at request time
        return SelectField(spec.label, choices=spec.choices.options(BLANK), validate_choice=False)
    return StringField(spec.label)


# The form's own fields, each after the answer it goes with.
EXTRAS = {
    "personal": {
        "phone": {"new_phone": lambda: StringField("新手机号码"), "phone_code": lambda: StringField("新手机号验证码")},
        "email": {"email_code": lambda: StringField("邮箱验证码")},
    },
    "post": {
        "unit_uscc": {
            "unit_name": lambda: StringField("单位全称"),
            "unit_address": lambda: StringField("单位地址"),
            "unit_region_code": lambda: SelectField("单位所在地区（按证照地址选择到旗县）", validate_choice=False),
            "unit_economic_type": lambda: Chosen("单位经济类型", "economic_type"),
            "licence": lambda: FileField("统一社会信用代码证书（营业执照、法人证书等）扫描件"),
        }
    },
}


NOT_ANSWERS = {name for extras in EXTRAS.values() for group in extras.values() for name in group}
UNIT_ADDING = tuple(EXTRAS["post"]["unit_uscc"])  # they make a Unit
YES_NO_FIELDS = {f.name for section in SECTIONS.values() for f in section.fields if f.kind == "yes_no"}


def _form_class(section):
    """Fields in the schema's order (WTForms orders them by when each was made), the extras after theirs."""
    fields = {}
    for spec in section.fields:
        if spec.kind != "fixed":
            fields[spec.name] = _field(spec)
        for name, make in EXTRAS.get(section.key, {}).get(spec.name, {}).items():
            fields[name] = make()
    return type(f"{section.key.title()}Form", (Form,), fields)


FORMS = {key: _form_class(section) for key, section in SECTIONS.items() if section.fields}


class UploadForm(Form):
    file = FileField("选择文件")


class FittedPhotoForm(Form):
    fitted = HiddenField()


class SubmitForm(Form):
    confirm = BooleanField("本人承诺所填信息和上传材料真实、准确、完整")


def fill_choices(form):
    for field in form:
        if isinstance(field, Chosen):
            field.choices = [SelectChoice("", BLANK), *(SelectChoice(n) for n in dictionaries.active_names(field.kind))]
