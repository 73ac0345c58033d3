"""The collection wizard's rules, one place each (docs/domain.md "The collection wizard"; 000 §7-9, 001, 002 §七-九, 003 §2).

Each check_* takes the answers of one section as a dict and returns {field: Chinese message};
an empty dict means the section is complete. Whether a place is in the profile's territory is
asked of the authority tree (routing), so the checks of a unit need the database. required_slots() says which scans the answers call
for, route() which authority the collection goes to."""

import re

from console.collection import education_record
from console.collection.attachments import SLOTS
from console.collection.sections import RECORDS, SECTIONS, yes
from console.errors import RuleViolation
from console.infra import clock
from console.org import units
from console.org.routing import authority_for_region, choosable_authorities, choosable_regions, successor
from console.people import identity
from console.people.phones import unit_phone_problem
from models import Authority
from models.accountant import GENDERS
from models.collection import RESIDENCE_TYPES

NO_CERTIFICATE_LEVELS = ("初中及以下", "无学历")  # no school, major or date to give (003 §2.2)
NONE = ("", "无", "无职务")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DIGITS = re.compile(r"[0-9]+")


def blank(value):
    return value is None or str(value).strip() == ""


def is_none(value):
    return blank(value) or str(value).strip() in NONE


def check_personal(answers, email_required=False, typed=(), today=None):
    """个人信息; `typed` are the registered facts the person may type here (lifecycle.typed_identity)."""
    errors = {}
    if "name" in typed and identity.name_problem(answers.get("name")):
        errors["name"] = identity.name_problem(answers.get("name"))
    if "gender" in typed and answers.get("gender") not in GENDERS.values():
        errors["gender"] = "请选择性别"
    if "birth_date" in typed and identity.birth_date_problem(answers.get("birth_date"), today or clock.today()):
        errors["birth_date"] = identity.birth_date_problem(answers.get("birth_date"), today or clock.today())
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


def check_post(answers, profile, graduated_on=None, declared_work_start=None, today=None, id_type="resident"):
    """单位与岗位: with a unit, its code, the post and the work start; without, where the person collects. The
    answers that route the collection are the profile's (a region or a 会计管理部门 chosen, 000 §6, 001, 003)."""
    today = today or clock.today()
    if answers.get("has_unit") is None:
        return {"has_unit": "请选择是否有工作单位"}
    errors = (
        _check_unit(answers, profile, today) if answers["has_unit"] else _check_residence(answers, profile, id_type)
    )
    errors.update(_check_choice(answers, profile))
    if is_none(answers.get("tech_post")) and answers.get("tech_post_appointed_on"):
        errors["tech_post_appointed_on"] = "会计专业技术职务为“无职务”时，不填写聘任时间"
    elif not is_none(answers.get("tech_post")) and not answers.get("tech_post_appointed_on"):
        errors["tech_post_appointed_on"] = "请填写会计专业技术职务聘任时间"
    errors.update(_check_work_start(answers, graduated_on if profile.work_start_after_graduation else None, today))
    if declared_work_start and answers.get("work_started_on") != declared_work_start:
        errors["work_started_on"] = (
            f"开始从事会计工作时间只能申报一次，申报后不能修改（已申报 {declared_work_start:%Y-%m-%d}）"
        )
    return errors


def _check_unit(answers, profile, today):
    try:
        units.checked_code(answers.get("unit_uscc"), profile, outside=units.OUTSIDE)
    except RuleViolation as refused:
        return {"unit_uscc": str(refused)}
    errors = {}
    problem = unit_phone_problem(answers.get("unit_phone"))
    if problem:
        errors["unit_phone"] = problem
    if answers.get("joined_on") and answers["joined_on"] > today:
        errors["joined_on"] = "入职时间不能晚于今天"
    if answers.get("on_duty") is None:
        errors["on_duty"] = "请选择是否在岗"
    elif answers["on_duty"] and blank(answers.get("post")):
        errors["post"] = "请选择现从事会计工作岗位（从事非会计工作的选“无”）"
    return errors


def _check_residence(answers, profile, id_type):
    kinds = profile.residence_types
    if answers.get("residence_type") not in kinds:
        return {"residence_type": f"请选择采集地（{'、'.join(RESIDENCE_TYPES.label(k) for k in kinds)}）"}
    errors = {}
    if answers["residence_type"] == "household" and id_type != "resident" and profile.routing != "authority":
        errors["residence_type"] = "持港澳台居民证件、护照或军官证的，请按居住地或学校所在地采集"
    elif (
        answers["residence_type"] != "household"
        and profile.routing != "authority"
        and answers.get("residence_region_code") not in dict(choosable_regions(profile.province_code))
    ):
        errors["residence_region_code"] = "请选择所在地区"
    if answers["residence_type"] == "student" and blank(answers.get("school_name")):
        errors["school_name"] = "请填写学校名称"
    return errors


def _check_choice(answers, profile):
    """The answer that routes the collection where the profile lets the person choose."""
    if profile.routing == "authority" and answers.get("chosen_authority") not in dict(
        choosable_authorities(profile.province_code)
    ):
        return {"chosen_authority": "请选择会计管理部门"}
    if (
        profile.routing == "region"
        and answers["has_unit"]
        and answers.get("work_region_code") not in dict(choosable_regions(profile.province_code))
    ):
        return {"work_region_code": f"请选择{profile.region_label}"}
    return {}


def _check_work_start(answers, graduated_on, today):
    started = answers.get("work_started_on")
    needs_start = answers.get("has_unit") and answers.get("on_duty") and not is_none(answers.get("post"))
    if not started:
        return {"work_started_on": "请填写开始从事会计工作时间"} if needs_start else {}
    if started > today:
        return {"work_started_on": "开始从事会计工作时间不能晚于今天"}
    if works_before_graduation(started, graduated_on):
        return {"work_started_on": f"开始从事会计工作时间不能早于全日制学历毕业时间（{graduated_on:%Y-%m-%d}）"}
    return {}


def works_before_graduation(started, graduated_on):
    return bool(started and graduated_on and started < graduated_on)


def check_education(full_time, part_time=None, today=None, profile=None):
    """Full-time education is required; part-time is all or nothing. What a manual leaves optional
    (兵团: 毕业院校、毕业时间, 000 §7) is not asked for; the 学历电子备案表's online code, where the profile
    asks it, is optional but its 12 digits when given (002 §八)."""
    today = today or clock.today()
    optional = set(profile.optional_fields) if profile else set()
    with_code = bool(profile and profile.education_record)

    def one(mode, answers):
        found = _check_one_education(answers, today)
        problem = with_code and education_record.code_problem(answers.get("record_code"))
        if problem:
            found["record_code"] = SECTIONS["education"].field(f"{mode}_record_code").label + problem
        return {f"{mode}_{k}": v for k, v in found.items() if f"education.{mode}_{k}" not in optional}

    errors = one("full_time", full_time)
    part_time = part_time or {}
    if any(not blank(v) for k, v in part_time.items() if k != "in_school"):
        errors.update(one("part_time", part_time))
    return errors


def _check_one_education(answers, today):
    level = answers.get("level")
    if blank(level):
        return {"level": "请选择最高学历"}
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


def check_required(profile, key, answers):
    """The fields of a section the profile's manual marks * beyond what the rules ask (兵团: 电子邮箱,
    行政职务, 单位电话, 入职时间, 000 §5–6), where they apply to the answers."""
    section = SECTIONS[key]
    errors = {}
    for name in profile.required_fields:
        where, _, field_name = name.partition(".")
        spec = section.field(field_name) if where == key else None
        if spec is not None and spec.applies(answers) and blank(answers.get(field_name)):
            verb = "请选择" if spec.kind in ("dictionary", "choice") else "请填写"
            errors[field_name] = f"{verb}{spec.label}"
    return errors


def talent_section(profile):
    """Where the profile asks 是否高端人才: 吉林's own 人才信息 step (001), 内蒙古's 专业技术资格信息 (002 §九), or
    nowhere (None)."""
    if "talent" in profile.sections:
        return "talent"
    return "qualification" if profile.talent_with_qualification else None


def check_talent(answers, today=None):
    """是否高端人才 may be left unanswered (否); a 是 asks the 会计领军人才 details (002 §十): the category, the
    training's state, its 期次 (a number) and the year chosen, and the year graduated once it has."""
    if not yes(answers.get("high_end_talent")):
        return {}
    errors = {
        field: f"请选择{label}"
        for field, label in (("talent_category", "会计领军人才类别"), ("talent_state", "培养状态"))
        if blank(answers.get(field))
    }
    period = str(answers.get("talent_period") or "").strip()
    if not period:
        errors["talent_period"] = "请填写期次"
    elif not (DIGITS.fullmatch(period) and 0 < int(period) < 1000):
        errors["talent_period"] = "期次只能填写数字（如第 3 期填 3）"
    errors.update(_talent_years(answers, (today or clock.today()).year))
    return errors


TALENT_YEARS = {"talent_selected_year": "入选年度", "talent_graduated_year": "毕业年度"}


def _talent_years(answers, this_year):
    graduated = answers.get("talent_state") == "已毕业"
    errors, years = {}, {}
    for field, label in TALENT_YEARS.items():
        text = str(answers.get(field) or "").strip()
        if field == "talent_graduated_year" and not graduated:
            if text:
                errors[field] = "培养状态为“已毕业”的才填写毕业年度"
        elif not text:
            errors[field] = f"请填写{label}"
        elif not (DIGITS.fullmatch(text) and len(text) == 4 and 1949 < int(text) <= this_year):
            errors[field] = f"{label}应为四位年份（如 2019），且不晚于 {this_year} 年"
        else:
            years[field] = int(text)
    if len(years) == 2 and years["talent_graduated_year"] < years["talent_selected_year"]:
        errors["talent_graduated_year"] = "毕业年度不能早于入选年度"
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


def offered_slots(profile):
    """{slot: label} of the scans the profile asks for at all, in the wizard's order: its own work proof (a 证明函
    or a 工作证明, never both), 吉林's 真实材料保证书, the 学历电子备案表 where asked, and the proofs of the
    sections it has."""
    unused = {"letter", "work_proof"} - {profile.work_proof}
    if "commitment" not in profile.always_slots:
        unused.add("commitment")
    if "talent" not in profile.sections:
        unused.add("talent_proof")
    if not profile.education_record:
        unused.update(education_record.RECORD_SLOTS.values())
    unused |= {f"{kind}_proof" for key, kind in RECORDS.items() if key not in profile.sections}
    return {slot: label for slot, label in SLOTS.items() if slot not in unused}


def required_slots(profile, given, records=()):
    """The scans the answers call for (000 §9, 001, 002 §四, 003 §2): always the photo and the ID, then what
    applies. `records` names the kinds of record given (award, violation, publication): each needs its proof."""
    personal, post, qualification = given["personal"], given["post"], given["qualification"]
    full_time, part_time = given["full_time"], given["part_time"] or {}
    slots = ["photo", "id_front", "id_back"]
    if full_time.get("level") not in profile.diploma_exempt:
        slots.append("diploma")
    if not is_none(full_time.get("degree")):
        slots.append("degree")
    if not blank(part_time.get("level")) and part_time["level"] not in profile.diploma_exempt:
        slots.append("part_time_diploma")
    if not is_none(part_time.get("degree")):
        slots.append("part_time_degree")
    slots += education_record.demanded_slots(profile, given)
    if not is_none(qualification.get("level")):
        slots.append("qualification")
    if qualification.get("high_end_talent") and "talent" in profile.sections:
        slots.append("talent_proof")  # 001: 人才证明
    if post.get("has_unit") and post.get("on_duty") and not profile.off_duty_without_letter:
        slots.append(profile.work_proof)
    residence = None if post.get("has_unit") else post.get("residence_type")
    if residence in ("residence_permit", "out_of_province"):
        slots.append("residence")
    if residence == "student" or full_time.get("in_school"):
        slots.append("student")  # 001 §3: 在校生最后上传学生证明
    if personal.get("id_type") and "commitment" in profile.always_slots:
        slots.append("commitment")  # 001: 真实材料保证书
    slots += [f"{kind}_proof" for kind in records]
    return slots


def off_duty_for_want_of_letter(profile, post, uploaded):
    """内蒙古 (002 §四.13): 无证明函的按照非在岗人员对待 — on duty at a unit, but no letter uploaded."""
    return bool(
        profile.off_duty_without_letter and post.get("has_unit") and post.get("on_duty") and "letter" not in uploaded
    )


def route(given, profile):
    """The authority a collection goes to (002 §一.2, §七.2, §十三; 000 §6; 001; 003 §2): a unit put under a
    special authority goes there; else, as the profile routes, the unit's own region, the region or the
    会计管理部门 the person chose; without a unit the household (ID digits 1-6), the residence or the school.
    Never 直属 or 林管局 by the applicant's choice."""
    post, unit = given["post"], given["unit"]
    if post.get("has_unit") and unit.get("assigned"):
        return Authority.get_by_id(unit["authority"])
    if profile.routing == "authority":
        chosen = Authority.get_or_none(Authority.id == post.get("chosen_authority"))
        chosen = chosen and successor(chosen)  # chosen before a merge: the authority it was merged into
        if chosen is None or chosen.id not in dict(choosable_authorities(profile.province_code)):
            raise RuleViolation("请选择会计管理部门", "chosen_authority")
        return chosen
    if post.get("has_unit"):
        region = post.get("work_region_code") if profile.routing == "region" else unit.get("region_code")
        where = "单位"
    elif post.get("residence_type") == "household":
        region, where = given["personal"].get("id_number", "")[:6], "户籍"
    else:
        region = post.get("residence_region_code")
        where = "学校" if post.get("residence_type") == "student" else "居住地"
    authority = authority_for_region(region) if region else None
    if authority is None:
        raise RuleViolation(f"{where}不在{profile.name}范围内，请在{where}所在省份参加会计人员信息采集", "region")
    return authority
