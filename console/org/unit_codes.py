"""The codes a unit may be known by (issue 12 §1, manual 001 J-4.2): its 统一社会信用代码 (USCC, GB 32100-2015),
the 组织机构代码 the USCC superseded (GB 11714-1997), or the 15-digit 营业执照注册号 of older licences
(GS 15-2006). The three have different lengths, so a code's shape and check character tell its kind.
Every function normalizes what it is given first, so `12345678-X` and `12345678x` are the same org code."""

import re
import string

from stdnum.cn import uscc as stdnum_uscc
from stdnum.iso7064 import mod_11_10

from models.choices import Choices

USCC, ORG_CODE, LICENCE_NO = "uscc", "org_code", "licence_no"
KINDS = Choices((USCC, "统一社会信用代码"), (ORG_CODE, "组织机构代码"), (LICENCE_NO, "营业执照注册号"))
ALL_KINDS = KINDS.values()

# GB 32100: characters 1-2 (registering authority, entity type) and 9-18 are digits or capitals other than
# I, O, S, V, Z; characters 3-8 are the region's digits. stdnum's validate() wants 1-2 to be digits, but the
# standard lets the authority be a capital (Y is 其他), so only stdnum's check character is used here.
_USCC_CHARS = "0-9A-HJ-NPQRTUWXY"
_USCC = re.compile(rf"[{_USCC_CHARS}]{{2}}[0-9]{{6}}[{_USCC_CHARS}]{{10}}")
_ORG_CODE = re.compile(r"[0-9A-Z]{8}[0-9X]")
_LICENCE_NO = re.compile(r"[0-9]{15}")

_ORG_CODE_VALUES = string.digits + string.ascii_uppercase  # 0-9 are 0-9, A=10 ... Z=35
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def normalized(raw):
    """The code without spaces or hyphens, in upper case."""
    return re.sub(r"[\s-]", "", raw or "").upper()


def org_code_check_digit(body):
    """GB 11714-1997: C9 = 11 - (Σ Ci·Wi mod 11) over the 8 body characters, with weights 3,7,9,10,5,8,4,2
    and letters valued A=10 ... Z=35; a C9 of 10 is written X and 11 is written 0."""
    c9 = 11 - sum(_ORG_CODE_VALUES.index(c) * w for c, w in zip(body, _ORG_CODE_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(c9, str(c9))


def _is_uscc(code):
    """GB 32100-2015: C18 = 31 - (Σ Ci·Wi mod 31) over the first 17 characters, with Wi = 3^(i-1) mod 31 and
    characters valued by their place in 0-9A-HJ-NPQRTUWXY (a C18 of 31 is 0), as stdnum computes it.
    The embedded org code's own check is not required: the USCC's check already covers those characters."""
    return bool(_USCC.fullmatch(code)) and stdnum_uscc.calc_check_digit(code[:17]) == code[17]


def _is_org_code(code):
    return bool(_ORG_CODE.fullmatch(code)) and org_code_check_digit(code[:8]) == code[8]


def _is_licence_no(code):
    """GS 15-2006: 6 digits of the registering authority's region, 8 of sequence, and an ISO 7064 MOD 11,10
    check digit (p = 10; for each digit s = p mod 11 + digit, p = (s mod 10 or 10) × 2; valid when
    (p mod 11 + check) mod 10 == 1), as stdnum's mod_11_10 computes it."""
    return bool(_LICENCE_NO.fullmatch(code)) and mod_11_10.is_valid(code)


_CHECKS = {USCC: _is_uscc, ORG_CODE: _is_org_code, LICENCE_NO: _is_licence_no}


def kind_of(code):
    """The kind of a well-formed code with a right check character ("uscc", "org_code", "licence_no"), else None."""
    code = normalized(code)
    return next((kind for kind, check in _CHECKS.items() if check(code)), None)


def is_valid(code, kinds=ALL_KINDS):
    """Whether the code is a valid code of one of `kinds`."""
    return kind_of(code) in kinds


def region_of(code):
    """The 6-digit region a valid code carries: a USCC's characters 3-8, a registration number's first 6 digits
    (the registering authority's region); None for an org code, which carries none, or an invalid code."""
    code = normalized(code)
    return {USCC: code[2:8], LICENCE_NO: code[:6]}.get(kind_of(code))


def org_code_of(uscc):
    """The 组织机构代码 a valid USCC embeds (its characters 9-17), else None."""
    code = normalized(uscc)
    return code[8:17] if kind_of(code) == USCC else None
