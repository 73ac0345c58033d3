"""Checking ID numbers per type, and what a resident ID number tells."""

from datetime import date

import pytest
from stdnum.cn import ric

from console.errors import RuleViolation
from console.people.identity import check_id, mask_id, mask_phone


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
