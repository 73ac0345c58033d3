"""Checking ID numbers per type, and what a resident ID number tells."""

from datetime import date

import pytest
from stdnum import numdb
from stdnum.cn import ric

from console.errors import RuleViolation
from console.infra import clock
from console.people import identity
from console.people.identity import check_id, mask_id, mask_phone
from tools.fake import resident_id


def with_check_digit(body17):
    return body17 + ric.calc_check_digit(body17 + "0")


def test_a_valid_resident_id_gives_birth_date_and_gender():
    number = with_check_digit("15010519900307124")
    identity = check_id("resident", f" {number[:6]} {number[6:].lower()} ")
    assert identity.number == number
    assert identity.birth_date == date(1990, 3, 7) and identity.gender == "female"  # 17th digit even
    assert identity.region_code == "150105"
    assert check_id("resident", with_check_digit("15010519900307113")).gender == "male"


def test_an_old_region_code_still_valid_for_its_birth_year_is_accepted():
    assert check_id("resident", "11010519491231002X").birth_date == date(1949, 12, 31)


# the first and the last day of each decade from the 1950s to the 2000s
BIRTHDAYS = [day for year in range(1950, 2010, 10) for day in (date(year, 1, 1), date(year + 9, 12, 31))]


@pytest.mark.parametrize(
    "region",
    ["150102", "150105", "152921", "220104", "220113", "500101", "500103", "500106", "650102", "659001", "659002"],
)
def test_a_region_code_is_valid_whatever_the_birth_year(region):
    """The code is where the household was registered when the number was given, often years after the birth
    (Chongqing's 50xxxx since 1997, 659002 since 2002, 220113 since 2014)."""
    for serial, born in enumerate(BIRTHDAYS):
        identity = check_id("resident", resident_id(region, born, serial), today=date(2026, 11, 22))
        assert identity.region_code == region and identity.birth_date == born


def test_an_abolished_region_code_is_still_valid():
    assert check_id("resident", resident_id("110103", date(2012, 5, 1), 2)).region_code == "110103"  # 崇文区, -2010


@pytest.mark.parametrize("region", ["150199", "220199", "500199", "659099", "990105", "999999"])
def test_a_code_gb_t_2260_never_had_is_refused(region):
    assert not numdb.get("cn/loc").info(region)[-1][1]  # in stdnum's copy of GB/T 2260, neither current nor old
    for serial, born in enumerate(BIRTHDAYS):
        with pytest.raises(RuleViolation, match="前 6 位不是有效的行政区划代码"):
            check_id("resident", resident_id(region, born, serial))


@pytest.mark.parametrize("region", ["150102", "220113", "500101", "659002"])
def test_a_wrong_check_digit_is_refused_in_any_region(region):
    valid = resident_id(region, date(1985, 6, 15), 12)
    for wrong in "0123456789X".replace(valid[-1], ""):
        with pytest.raises(RuleViolation, match="校验位不正确"):
            check_id("resident", valid[:-1] + wrong)


def test_a_birth_date_is_checked_against_the_beijing_date(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 1, 1))
    assert check_id("resident", resident_id("150102", date(2026, 1, 1), 1)).birth_date == date(2026, 1, 1)
    with pytest.raises(RuleViolation, match="出生日期晚于今天"):
        check_id("resident", resident_id("150102", date(2026, 1, 2), 1))


@pytest.mark.parametrize(
    "number, message",
    [
        ("", "请输入证件号码"),
        ("15010519900307", "身份证号码应为 18 位"),
        ("15010519900307A234", "身份证号码前 17 位应为数字"),
        ("150105199003071230", "身份证号码校验位不正确"),
        (with_check_digit("15010519900231123"), "出生日期不存在"),
        (with_check_digit("15010520991231123"), "出生日期晚于今天"),
        (with_check_digit("99010519900307123"), "前 6 位不是有效的行政区划代码"),
    ],
)
def test_bad_resident_ids_are_refused_with_the_reason(number, message):
    with pytest.raises(RuleViolation, match=message):
        check_id("resident", number, today=date(2026, 11, 22))


def test_residence_permits_of_hong_kong_macao_taiwan_residents():
    for region in ("810000", "820000", "830000"):
        number = with_check_digit(f"{region}19880512003")
        identity = check_id("hmt", number)
        assert identity.birth_date == date(1988, 5, 12) and identity.gender == "male"
    valid = with_check_digit("81000019880512003")
    wrong = valid[:-1] + ("1" if valid[-1] == "0" else "0")
    with pytest.raises(RuleViolation, match="校验位"):
        check_id("hmt", wrong)


@pytest.mark.parametrize(
    "id_type, number",
    [
        ("hmt", "H12345678"),
        ("hmt", "M1234567801"),
        ("hmt", "12345678"),
        ("passport", "E12345678"),
        ("military", "南字第123456号"),
    ],
)
def test_other_id_types(id_type, number):
    assert check_id(id_type, number).number == number and check_id(id_type, number).birth_date is None


@pytest.mark.parametrize(
    "id_type, number, message",
    [
        ("hmt", "X1234", "港澳台居民证件号码格式不正确"),
        ("passport", "E1", "护照号码应为 5-17 位字母或数字"),
        ("military", "#1", "军官证号码格式不正确"),
        ("unknown", "E12345678", "请选择证件类型"),
    ],
)
def test_other_id_types_refused(id_type, number, message):
    with pytest.raises(RuleViolation, match=message):
        check_id(id_type, number)


def test_masking():
    assert mask_id("150105199003071234") == "150105********1234"
    assert mask_id("E12345678") == "E1*****78"
    assert mask_phone("13812341234") == "138****1234"


@pytest.mark.parametrize("name", ["王影", "阿卜杜·热合曼", "Anna Müller", "Jean-Luc O'Brien", "Ли Мин", "陈 Ivy"])
def test_names_as_documents_write_them(name):
    assert identity.name_problem(name) is None


@pytest.mark.parametrize("name", ["王", "王影1", "<b>王</b>", "··", "王" * 31, "王_影"])
def test_what_no_document_writes_is_refused(name):
    assert identity.name_problem(name) == "请输入与证件一致的姓名（2-30 个汉字或字母）"
