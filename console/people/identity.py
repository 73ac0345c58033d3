"""Identity numbers: checking them per ID type, what a resident ID tells, and masking them in lists.

A resident ID (GB 11643): digits 1-6 region, 7-14 birth date, 17 parity = gender, 18 check.
`stdnum.cn.ric` gives the check digit and birth date; the region must be a code GB/T 2260 has ever had
(stdnum's copy of it), whatever the birth year; added here: no birth date in the future, and the
港澳台居民居住证 numbers whose region is 810000/820000/830000."""

import functools
import re
from dataclasses import dataclass
from datetime import date

from stdnum import exceptions as stdnum_errors
from stdnum import numdb
from stdnum.cn import ric

from console.errors import RuleViolation
from console.infra import clock

RESIDENCE_PERMIT_REGIONS = ("810000", "820000", "830000")  # 香港、澳门、台湾居民居住证
_HMT_PASS = re.compile(r"^([HM]\d{8}(\d{2})?|\d{8})$")  # 港澳居民来往内地通行证 H/M…, 台胞证 8 位
_PASSPORT = re.compile(r"^[A-Z0-9]{5,17}$")
_MILITARY = re.compile(r"^[\u4e00-\u9fa5A-Z0-9]{4,20}$")


@dataclass(frozen=True)
class Identity:
    id_type: str
    number: str
    birth_date: date | None = None
    gender: str | None = None

    @property
    def region_code(self):
        return self.number[:6] if self.birth_date else None


# letters of any script (汉字, Latin with its accents, Cyrillic …) in words joined by ·, -, ' or a space
NAME = re.compile(r"^(?=.{2,30}$)[^\W\d_]+(?:[·•.\-' ]+[^\W\d_]+)*\.?$")
OLDEST = 100  # years: a birth date further back is a typing error


def name_problem(name):
    """Why a name as typed cannot be the one on the document, or None."""
    return None if NAME.match((name or "").strip()) else "请输入与证件一致的姓名（2-30 个汉字或字母）"


def birth_date_problem(born, today):
    """Why a birth date typed by hand (a document that does not carry it) cannot be right, or None."""
    if born is None:
        return "请填写出生日期"
    if born > today:
        return "出生日期不能晚于今天"
    if born.year < today.year - OLDEST:
        return f"出生日期早于 {today.year - OLDEST} 年，请核对"
    return None


def carries_birth(id_type, number):
    """Whether the document's number tells the birth date and gender: a resident ID or a 港澳台居民居住证."""
    return id_type == "resident" or (id_type == "hmt" and (number or "")[:6] in RESIDENCE_PERMIT_REGIONS)


def check_id(id_type, raw, today=None):
    """The normalized Identity, or RuleViolation with the reason in Chinese."""
    number = re.sub(r"\s", "", raw or "").upper()
    if not number:
        raise RuleViolation("请输入证件号码")
    if carries_birth(id_type, number):
        return _resident(id_type, number, today or clock.today())
    pattern = {"hmt": _HMT_PASS, "passport": _PASSPORT, "military": _MILITARY}.get(id_type)
    if pattern is None:
        raise RuleViolation("请选择证件类型")
    if not pattern.match(number):
        raise RuleViolation(
            {
                "hmt": "港澳台居民证件号码格式不正确",
                "passport": "护照号码应为 5-17 位字母或数字",
                "military": "军官证号码格式不正确",
            }[id_type]
        )
    return Identity(id_type, number)


def _resident(id_type, number, today):
    if len(number) != 18:
        raise RuleViolation("身份证号码应为 18 位")
    if not number[:17].isdigit() or number[-1] not in "0123456789X":
        raise RuleViolation("身份证号码前 17 位应为数字，最后一位为数字或 X")
    if number[-1] != ric.calc_check_digit(number):
        raise RuleViolation("身份证号码校验位不正确，请逐位核对")
    try:
        born = ric.get_birth_date(number)
    except stdnum_errors.ValidationError:
        raise RuleViolation("身份证号码中的出生日期不存在") from None
    if born > today:
        raise RuleViolation("身份证号码中的出生日期晚于今天")
    if number[:6] not in RESIDENCE_PERMIT_REGIONS and number[:6] not in _region_codes():
        raise RuleViolation("身份证号码前 6 位不是有效的行政区划代码")
    return Identity(id_type, number, born, gender_of(number))


@functools.cache
def _region_codes():
    """Every code GB/T 2260 has ever had, current or abolished: the region of an ID is where the household
    was registered when the number was given (often 1999 or later, or after a move), not where or when the
    person was born, so the birth year says nothing about which codes are valid. Built once, in some 30 ms."""
    return frozenset(
        province + county
        for _, low, high, _, counties in numdb.get("cn/loc").prefixes
        for province in _span(low, high)
        for _, county_low, county_high, _, _ in counties
        for county in _span(county_low, county_high)
    )


def _span(low, high):
    """The codes of a line of a stdnum numdb file, which may give a range such as 0101-0103."""
    return [f"{code:0{len(low)}d}" for code in range(int(low), int(high) + 1)]


def gender_of(id_number):
    return "male" if int(id_number[16]) % 2 else "female"


def mask_id(number):
    """150105********1234 for 18 characters; otherwise the first and last two."""
    if len(number) == 18:
        return f"{number[:6]}{'*' * 8}{number[-4:]}"
    return number[:2] + "*" * max(len(number) - 4, 1) + number[-2:]


def mask_phone(phone):
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) == 11 else phone
