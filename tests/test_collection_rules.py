"""The wizard's rules, each from both sides."""

from datetime import date

import pytest
from stdnum.cn import uscc

from console.collection.rules import (
    check_education,
    check_personal,
    check_post,
    check_qualification,
    check_record,
    required_slots,
    route,
)
from console.errors import RuleViolation
from console.profiles import current_profile
from models import Authority

TODAY = date(2026, 11, 22)


def code(region, serial="MA0000001"):
    body = f"91{region}{serial}"
    return body + uscc.calc_check_digit(body)


SAIHAN_UNIT = code("150105")
ON_DUTY = {
    "has_unit": True,
    "unit_uscc": SAIHAN_UNIT,
    "on_duty": True,
    "post": "出纳",
    "tech_post": "无职务",
    "tech_post_appointed_on": None,
    "work_started_on": date(2012, 8, 1),
}


def post(**changes):
    return check_post({**ON_DUTY, **changes}, current_profile, graduated_on=date(2012, 7, 1), today=TODAY)


def given(post=ON_DUTY, unit_region="150105", id_number="150203199003071234", **parts):
    """Answers as console.collection.answers.read gives them, with the unit found for the post."""
    return {
        "personal": {"id_type": "resident", "id_number": id_number},
        "post": post,
        "unit": {"region_code": unit_region, "assigned": False} if post.get("has_unit") else {},
        "full_time": {},
        "part_time": {},
        "qualification": {},
        **parts,
    }


@pytest.fixture(autouse=True)
def tree(ctx):
    """Whether a unit is in the territory is asked of the authority tree."""


def test_a_complete_post_section_passes():
    assert post() == {}


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"has_unit": None}, "has_unit", "请选择是否有工作单位"),
        (
            {"unit_uscc": SAIHAN_UNIT[:-1] + ("0" if SAIHAN_UNIT[-1] != "0" else "1")},
            "unit_uscc",
            "统一社会信用代码不正确",
        ),
        ({"unit_uscc": code("110105")}, "unit_uscc", "单位所在地不在本省（区）范围内，请在单位所在地参加"),
        ({"unit_phone": "12345"}, "unit_phone", "单位电话格式不正确"),
        ({"on_duty": None}, "on_duty", "请选择是否在岗"),
        ({"post": ""}, "post", "请选择现从事会计工作岗位"),
        (
            {"tech_post": "无职务", "tech_post_appointed_on": date(2015, 1, 1)},
            "tech_post_appointed_on",
            "不填写聘任时间",
        ),
        ({"tech_post": "会计师"}, "tech_post_appointed_on", "请填写会计专业技术职务聘任时间"),
        ({"work_started_on": None}, "work_started_on", "请填写开始从事会计工作时间"),
        ({"work_started_on": date(2012, 6, 30)}, "work_started_on", "不能早于全日制学历毕业时间（2012-07-01）"),
        ({"work_started_on": date(2027, 1, 1)}, "work_started_on", "不能晚于今天"),
        ({"joined_on": date(2031, 3, 1)}, "joined_on", "入职时间不能晚于今天"),
    ],
)
def test_post_rules(changes, field, message):
    errors = post(**changes)
    assert message in errors[field]


def test_work_start_is_declared_once():
    errors = check_post(dict(ON_DUTY), current_profile, declared_work_start=date(2010, 1, 1), today=TODAY)
    assert "只能申报一次，申报后不能修改（已申报 2010-01-01）" in errors["work_started_on"]
    again = {**ON_DUTY, "work_started_on": date(2010, 1, 1)}
    assert check_post(again, current_profile, declared_work_start=date(2010, 1, 1), today=TODAY) == {}


def test_without_a_unit_the_place_of_collection_is_needed():
    base = {"has_unit": False, "tech_post": "无职务"}

    def check(**changes):
        return check_post({**base, **changes}, current_profile, today=TODAY)

    assert check() == {"residence_type": "请选择采集地（户籍所在地、居住地（居住证）、学校所在地（在校学生））"}
    assert "residence_type" in check(residence_type="out_of_province")  # 内蒙古: out of the region, collect there
    assert check(residence_type="household") == {}  # nobody without a unit is asked 是否在岗
    assert check(residence_type="residence_permit") == {"residence_region_code": "请选择所在地区"}
    assert check(residence_type="residence_permit", residence_region_code="15") == {
        "residence_region_code": "请选择所在地区"
    }  # never the 自治区财政厅 itself
    assert check(residence_type="student", residence_region_code="150105") == {"school_name": "请填写学校名称"}


def test_personal_rules():
    good = {"ethnicity": "汉族", "nationality": "中国", "political_status": "群众", "email": "a@b.cn"}
    assert check_personal(good) == {}
    assert check_personal({**good, "ethnicity": ""}) == {"ethnicity": "请选择民族"}
    assert check_personal({**good, "email": "a@b"}) == {"email": "电子邮箱格式不正确"}


def test_education_rules():
    full = {
        "level": "本科",
        "degree": "学士",
        "school": "内蒙古财经大学",
        "major": "会计学",
        "graduated_on": date(2012, 7, 1),
    }
    assert check_education(full, today=TODAY) == {}
    assert check_education({}, today=TODAY) == {"full_time_level": "请选择最高学历"}
    assert check_education({"level": "初中及以下"}, today=TODAY) == {}
    assert check_education({**full, "school": ""}, today=TODAY) == {"full_time_school": "请填写毕业院校"}
    assert (
        "在校生请选择“在校”"
        in check_education({**full, "graduated_on": date(2027, 7, 1)}, today=TODAY)["full_time_graduated_on"]
    )
    assert check_education({**full, "graduated_on": date(2027, 7, 1), "in_school": True}, today=TODAY) == {}
    assert check_education(full, {"school": "中央广播电视大学"}, today=TODAY) == {"part_time_level": "请选择最高学历"}


def test_qualification_level_none_keeps_the_rest_empty():
    assert check_qualification({"level": "无"}) == {}
    assert check_qualification({"level": "无", "certificate_no": "Z1"}) == {
        "certificate_no": "专业技术资格级别为“无”时，不填写证书编号或批文号"
    }
    assert set(check_qualification({"level": "中级"})) == {"kind", "way", "acquired_on", "certificate_no"}
    assert check_qualification({}) == {"level": "请选择最高专业技术资格级别（没有的选“无”）"}


def test_abacus_for_bingtuan():
    assert check_qualification({"level": "无", "abacus_level": "无"}, with_abacus=True) == {}
    assert (
        "不填写珠算证号"
        in check_qualification({"level": "无", "abacus_level": "无", "abacus_certificate_no": "1"}, with_abacus=True)[
            "abacus_certificate_no"
        ]
    )
    assert check_qualification({"level": "无", "abacus_level": "三级"}, with_abacus=True) == {
        "abacus_certificate_no": "请填写珠算证号"
    }


def test_records_are_all_or_none_and_the_author_rank_is_a_number():
    assert check_record("award", {}) == {}
    partial = check_record("award", {"level": "省级"})
    assert set(partial) == {"awarded_on", "issuer", "content"}
    assert "填写其中一项的，其他项都需要填写" in partial["issuer"]
    paper = {
        "title": "论内部控制",
        "published_on": date(2020, 1, 1),
        "issue": "3",
        "serial_no": "CN11-1234",
        "author_rank": "第一",
        "publisher": "财会月刊",
    }
    assert check_record("publication", paper) == {"author_rank": "第几作者只能输入数字"}
    assert check_record("publication", {**paper, "author_rank": "1"}) == {}


def test_required_scans_follow_the_answers():
    full = {"level": "本科", "degree": "学士"}
    slots = required_slots(current_profile, given(full_time=full, qualification={"level": "中级"}))
    assert slots == [
        "photo",
        "id_front",
        "id_back",
        "diploma",
        "degree",
        "qualification",
    ]  # 内蒙古: no letter, off duty
    no_unit = {"has_unit": False, "residence_type": "residence_permit"}
    assert required_slots(
        current_profile, given(no_unit, full_time={"level": "高中", "degree": "无"}, qualification={"level": "无"})
    ) == ["photo", "id_front", "id_back", "residence"]  # 002 §八: 中专及以上 need a diploma
    student = {"has_unit": False, "residence_type": "student"}
    parts = {"full_time": {"level": "大专", "degree": "无"}, "part_time": {"level": "本科", "degree": "学士"}}
    assert "student" in required_slots(current_profile, given(student, qualification={"level": "无"}, **parts))


@pytest.mark.parametrize("province", ["jilin"])
def test_jilin_asks_the_commitment_and_the_proofs_of_talent_and_schooling(ctx):
    answers = given(
        full_time={"level": "本科", "degree": "无", "in_school": True},
        qualification={"level": "无", "high_end_talent": True},
    )
    slots = required_slots(current_profile, answers, ["publication"])
    assert {"work_proof", "talent_proof", "student", "commitment", "publication_proof"} <= set(slots)


@pytest.mark.parametrize("province", ["bingtuan"])
def test_bingtuan_units_and_people_of_xinjiang_choose_their_division(ctx):
    division = Authority.get(Authority.name == "第十一师财政局")
    assert post(unit_uscc=code("650102"))["chosen_authority"] == "请选择会计管理部门"  # 乌鲁木齐: 兵团's if chosen
    assert post(unit_uscc=code("650102"), chosen_authority=division.id) == {}
    assert route(given({**ON_DUTY, "chosen_authority": division.id}, "650102"), current_profile) == division
    resident = {"has_unit": False, "residence_type": "household", "chosen_authority": division.id}
    assert route(given(resident, id_number="652901198501011234"), current_profile) == division
    assert "不在本省（区）范围内" in post(unit_uscc=code("110105"), chosen_authority=division.id)["unit_uscc"]


def test_routing(ctx):
    assert route(given(), current_profile).name == "赛罕区财政局"  # the unit's region decides
    household = {"has_unit": False, "residence_type": "household"}
    assert route(given(household), current_profile).name == "昆都仑区财政局"
    permit = {"has_unit": False, "residence_type": "residence_permit", "residence_region_code": "150102"}
    assert route(given(permit, id_number="110105199003071234"), current_profile).name == "新城区财政局"
    with pytest.raises(RuleViolation, match="户籍不在内蒙古自治区范围内，请在户籍所在省份参加会计人员信息采集"):
        route(given(household, id_number="110105199003071234"), current_profile)
