"""Phone numbers, one rule each: an accountant's mobile (registration, sign-in, the old database, the queue's
search), a unit's phone (the wizard and the unit head's edit), and a bureau's printed numbers (landlines with
area codes, mobiles, 400 lines) as the phone directory lists them."""

import re

from console.errors import RuleViolation
from models.authority import Authority

MOBILE = re.compile(r"^1[3-9]\d{9}$")
NUMBER = re.compile(r"^(0\d{2,3}-?\d{7,8}(-\d{1,6})?|1[3-9]\d{9}|400-?\d{3}-?\d{4})$")
_SEPARATORS = re.compile(r"[；;，,、/\s]+")
SEPARATOR = Authority.PHONE_SEPARATOR


def is_mobile(text):
    return bool(MOBILE.match(text or ""))


def check_mobile(phone, field="phone"):
    """The mobile as typed, trimmed; refused unless it is one."""
    phone = (phone or "").strip()
    if not is_mobile(phone):
        raise RuleViolation("请输入 11 位手机号码", field)
    return phone


def unit_phone_problem(phone):
    """Why a unit's phone (optional) is not one, or None."""
    if phone and not NUMBER.match(phone.strip()):
        return "单位电话格式不正确：手机号 11 位，固定电话为区号+号码，如 0471-1234567"
    return None


def normalize_phones(text):
    """'0431-89865795； 0431-89865957' -> '0431-89865795；0431-89865957'; refuses what is no number."""
    numbers = [n for n in _SEPARATORS.split(text or "") if n]
    bad = [n for n in numbers if not NUMBER.match(n)]
    if bad:
        raise RuleViolation(f"电话号码格式不正确：{'、'.join(bad)}（固定电话如 0471-6945678，手机号为 11 位）")
    return SEPARATOR.join(numbers)
