"""Phone numbers as the bureaus print them: landlines with area codes, mobiles, 400 lines."""

import re

from console.errors import RuleViolation
from models.authority import Authority

_NUMBER = re.compile(r"^(0\d{2,3}-?\d{7,8}(-\d{1,6})?|1[3-9]\d{9}|400-?\d{3}-?\d{4})$")
_SEPARATORS = re.compile(r"[；;，,、/\s]+")
SEPARATOR = Authority.PHONE_SEPARATOR


def normalize_phones(text):
    """'0431-89865795； 0431-89865957' -> '0431-89865795；0431-89865957'; refuses what is no number."""
    numbers = [n for n in _SEPARATORS.split(text or "") if n]
    bad = [n for n in numbers if not _NUMBER.match(n)]
    if bad:
        raise RuleViolation(f"电话号码格式不正确：{'、'.join(bad)}（固定电话如 0471-6945678，手机号为 11 位）")
    return SEPARATOR.join(numbers)
