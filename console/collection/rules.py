"""The collection wizard's rules, one place each (docs/domain.md "The collection wizard"; 000 §7-9, 001, 002 §七-九, 003 §2).

Each check_* takes the answers of one section as a dict and returns {field: Chinese message};
an empty dict means the section is complete. Whether a place is in the profile's territory is
asked of the authority tree (routing), so the checks of a unit need the database. required_slots() says which scans the answers call
for, route() which authority the collection goes to."""

import re
from datetime import date

from console.collection.sections import RECORDS, SECTIONS
from console.errors import RuleViolation
from console.org import units
from console.org.routing import authority_for_region
from console.people.phones import unit_phone_problem

NO_CERTIFICATE_LEVELS = ("初中及以下", "无学历")  # 003 §2.2
NONE = ("", "无", "无职务")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def blank(value):
    return value is None or str(value).strip() == ""


def is_none(value):
    return blank(value) or str(value).strip() in NONE


def check_personal(answers, email_required=False):
    errors = {}
    for field, label in (("ethnicity", "民族"), ("nationality", "国家（地区）"), ("political_status", "政治面貌")):
        if blank(answers.get(field)):
            errors[field] = f"请选择{label}"
    if not blank(answers.get("email")) and not EMAIL.match(answers["email"].strip()):
        errors["email"] = "电子邮箱格式不正确"
    elif email_required and blank(answers.get("email")):
        errors["email"] = "请填写电子邮箱"
    elif email_required and not answers.get("email_verified"):
        errors["email_code"] = "请获取并填写邮箱验证码，完成电子邮箱验证"
    return errors


def check_post(answers, full_time_graduated_on=None, declared_work_start=None, today=None):
    today = today or date.today()
    if answers.get("has_unit") is None:
        return {"has_unit": "请选择是否有工作单位"}
    errors = _check_unit(answers) if answers["has_unit"] else _check_residence(answers)
    if answers.get("on_duty") is None:
        errors["on_duty"] = "请选择是否在岗"
    if answers.get("on_duty") and answers["has_unit"] and blank(answers.get("post")):
        errors["post"] = "请选择现从事会计工作岗位（从事非会计工作的选“无”）"
    if is_none(answers.get("tech_post")) and answers.get("tech_post_appointed_on"):
        errors["tech_post_appointed_on"] = "会计专业技术职务为“无职务”时，不填写聘任时间"
    elif not is_none(answers.get("tech_post")) and not answers.get("tech_post_appointed_on"):
        errors["tech_post_appointed_on"] = "请填写会计专业技术职务聘任时间"
    errors.update(_check_work_start(answers, full_time_graduated_on, today))
    if declared_work_start and answers.get("work_started_on") != declared_work_start:
        errors["work_started_on"] = (
            f"开始从事会计工作时间只能申报一次，申报后不能修改（已申报 {declared_work_start:%Y-%m-%d}）"
        )
    return errors


def _check_unit(answers):
    try:
        units.checked_uscc(answers.get("unit_uscc"), outside=units.OUTSIDE)
    except RuleViolation as refused:
        return {"unit_uscc": str(refused)}
    problem = unit_phone_problem(answers.get("unit_phone"))
    return {"unit_phone": problem} if problem else {}


def _check_residence(answers):
    if blank(answers.get("residence_type")):
        return {"residence_type": "请选择采集地（户籍所在地、居住地或学校所在地）"}
    errors = {}
    if answers["residence_type"] != "household" and blank(answers.get("residence_region_code")):
        errors["residence_region_code"] = "请选择所在地区"
    if answers["residence_type"] == "student" and blank(answers.get("school_name")):
        errors["school_name"] = "请填写学校名称"
    return errors


def _check_work_start(answers, graduated_on, today):
    started = answers.get("work_started_on")
    needs_start = answers.get("on_duty") and not is_none(answers.get("post"))
    if not started:
        return {"work_started_on": "请填写开始从事会计工作时间"} if needs_start else {}
    if started > today:
        return {"work_started_on": "开始从事会计工作时间不能晚于今天"}
    if works_before_graduation(started, graduated_on):
        return {"work_started_on": f"开始从事会计工作时间不能早于全日制学历毕业时间（{graduated_on:%Y-%m-%d}）"}
    return {}


def works_before_graduation(started, graduated_on):
    return bool(started and graduated_on and started < graduated_on)


def check_education(full_time, part_time=None, today=None):
    """Full-time education is required; part-time is all or nothing."""
    today = today or date.today()
    errors = {f"full_time_{k}": v for k, v in _check_one_education(full_time, today, required=True).items()}
    part_time = part_time or {}
    if any(not blank(v) for k, v in part_time.items() if k != "in_school"):
        errors.update({f"part_time_{k}": v for k, v in _check_one_education(part_time, today, True).items()})
    return errors


def _check_one_education(answers, today, required):
    level = answers.get("level")
    if blank(level):
        return {"level": "请选择最高学历"} if required else {}
    if level in NO_CERTIFICATE_LEVELS:
        return {}
    errors = {
        field: f"请填写{label}"
        for field, label in (("school", "毕业院校"), ("major", "所学专业"), ("graduated_on", "毕业时间"))
        if blank(answers.get(field))
    }
    graduated = answers.get("graduated_on")
    if graduated and graduated > today and not answers.get("in_school"):
        errors["graduated_on"] = "毕业时间晚于今天；在校生请选择“在校”"
    return errors


def check_qualification(answers, with_abacus=False):
    """Level 无 → the rest stays empty; any other level → type, way, date and number are all needed (000 §8)."""
    rest = (
        ("kind", "专业技术资格类型"),
        ("way", "取得方式"),
        ("acquired_on", "取得时间"),
        ("certificate_no", "证书编号或批文号"),
    )
    errors = {}
    if blank(answers.get("level")):
        errors["level"] = "请选择最高专业技术资格级别（没有的选“无”）"
    elif is_none(answers["level"]):
        errors.update({f: f"专业技术资格级别为“无”时，不填写{label}" for f, label in rest if not blank(answers.get(f))})
    else:
        errors.update({f: f"请填写{label}" for f, label in rest if blank(answers.get(f))})
    if with_abacus:
        if blank(answers.get("abacus_level")):
            errors["abacus_level"] = "请选择珠算等级（没有的选“无”）"
        elif is_none(answers["abacus_level"]) and not blank(answers.get("abacus_certificate_no")):
            errors["abacus_certificate_no"] = "珠算等级为“无”时，不填写珠算证号"
        elif not is_none(answers["abacus_level"]) and blank(answers.get("abacus_certificate_no")):
            errors["abacus_certificate_no"] = "请填写珠算证号"
    return errors


# (field, label) of each kind of record, from the sections' schema.
RECORD_FIELDS = {kind: tuple((f.name, f.label) for f in SECTIONS[key].fields) for key, kind in RECORDS.items()}


def check_record(kind, answers):
    """An award, violation or publication: all fields or none (003 §2.5-2.7); the author rank is a number."""
    fields = RECORD_FIELDS[kind]
    if all(blank(answers.get(f)) for f, _ in fields):
        return {}
    errors = {f: f"请填写{label}（填写其中一项的，其他项都需要填写）" for f, label in fields if blank(answers.get(f))}
    rank = answers.get("author_rank")
    if kind == "publication" and not blank(rank) and not str(rank).strip().isdigit():
        errors["author_rank"] = "第几作者只能输入数字"
    return errors


def required_slots(id_type, post, full_time, part_time, qualification, work_proof_slot, records=()):
    """The scans the answers call for (000 §9, 002 §四, 003 §2): always the photo and the ID, then what applies.
    `records` names the kinds of record given (award, violation, publication): each needs its proof."""
    slots = ["photo", "id_front", "id_back"]
    part_time = part_time or {}
    if full_time.get("level") not in NO_CERTIFICATE_LEVELS:
        slots.append("diploma")
    if not is_none(full_time.get("degree")):
        slots.append("degree")
    if not blank(part_time.get("level")) and part_time["level"] not in NO_CERTIFICATE_LEVELS:
        slots.append("part_time_diploma")
    if not is_none(part_time.get("degree")):
        slots.append("part_time_degree")
    if not is_none(qualification.get("level")):
        slots.append("qualification")
    if post.get("has_unit") and post.get("on_duty"):
        slots.append(work_proof_slot)
    if not post.get("has_unit") and post.get("residence_type") in ("residence_permit", "out_of_province"):
        slots.append("residence")
    if not post.get("has_unit") and post.get("residence_type") == "student":
        slots.append("student")
    slots += [f"{kind}_proof" for kind in records]
    return slots


def route(post, id_region_code, province_name):
    """The authority a collection goes to (002 §一.2, §七.2, §十三): the unit's region from its USCC, else the
    household (ID digits 1-6), the residence or the school. Never 直属 or 林管局 by the applicant's choice."""
    if post.get("has_unit"):
        region, where = post["unit_uscc"].strip().upper()[2:8], "单位"
    elif post.get("residence_type") == "household":
        region, where = id_region_code or "", "户籍"
    else:
        region = post.get("residence_region_code") or ""
        where = "学校" if post.get("residence_type") == "student" else "居住地"
    authority = authority_for_region(region) if region else None
    if authority is None:
        raise RuleViolation(f"{where}不在{province_name}范围内，请在{where}所在省份参加会计人员信息采集", "region")
    return authority
