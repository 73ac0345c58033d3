"""The codes a unit is known by: USCC (GB 32100), 组织机构代码 (GB 11714) and 营业执照注册号 (GS 15-2006)."""

import random
import string

import pytest
from stdnum.cn import uscc as stdnum_uscc

from console.org.unit_codes import KINDS, is_valid, kind_of, normalized, org_code_check_digit, org_code_of, region_of

# Published codes: stdnum's doctest, other projects' tests and sample records, well-known companies' licences.
REAL_USCCS = [
    "91110000600037341L",
    "9135052155323005XL",
    "91330100716105852F",
    "9144030071526726XG",
    "914403001922038216",
    "911000001000013428",
    "91100000100003962T",
    "91440300MA5DLQQW0F",
    "91440300MA5H8REU3K",
    "91110108MA01G0FB09",
    "11370000MB284651XL",
]
REAL_LICENCE_NOS = ["440301103448669", "440301103097413", "330100400015575", "110108012660422", "330106000129004"]


def test_kinds_have_chinese_labels():
    assert KINDS.values() == ("uscc", "org_code", "licence_no")
    assert KINDS.label("org_code") == "组织机构代码"


def test_normalized_drops_spaces_and_hyphens_and_upper_cases():
    assert normalized(" 71526726-x ") == "71526726X"
    assert normalized("9 1 110000 600037341l") == "91110000600037341L"
    assert normalized(None) == ""


@pytest.mark.parametrize("code", REAL_USCCS)
def test_real_usccs_and_the_org_codes_they_embed(code):
    assert stdnum_uscc.is_valid(code)
    assert kind_of(code) == "uscc"
    assert region_of(code) == code[2:8]
    # An independent check of the GB 11714 algorithm: the USCC's characters 9-17 are an org code.
    assert kind_of(org_code_of(code)) == "org_code"


@pytest.mark.parametrize("code", REAL_LICENCE_NOS)
def test_real_registration_numbers(code):
    assert kind_of(code) == "licence_no"
    assert region_of(code) == code[:6]
    assert org_code_of(code) is None


def test_one_units_three_codes():
    # A company's sample record: its USCC, org code and old registration number, all valid.
    assert org_code_of("91440300MA5DLQQW0F") == "MA5DLQQW0"
    assert kind_of("MA5DLQQW-0") == "org_code"
    assert kind_of("440301117579451") == "licence_no"
    assert region_of("440301117579451") == "440301"  # the district's registering authority
    assert region_of("91440300MA5DLQQW0F") == "440300"


@pytest.mark.parametrize(
    ("body", "check"),
    [("71526726", "X"), ("19220382", "1"), ("MA5DLQQW", "0"), ("00000000", "0"), ("MB284651", "X")],
)
def test_org_code_check_digit(body, check):
    assert org_code_check_digit(body) == check


def test_hyphenated_org_code():
    assert kind_of("71526726-X") == "org_code"
    assert is_valid("71526726-x", kinds=("org_code",))
    assert region_of("71526726-X") is None  # an org code carries no region
    assert org_code_of("71526726-X") is None


@pytest.mark.parametrize(
    "code",
    [
        "91110000600037341M",  # USCC: wrong check character
        "91110000100004931B",  # its check character is 0
        "9111000060003734L",  # 17 characters
        "911100006000373411L",  # 19 characters
        "9111000060003734IL",  # I is not in GB 32100's character set
        "911A0000600037341L",  # a letter in the region
        "71526726-9",  # org code: wrong check digit
        "7152672-X",  # 8 characters
        "715267260X",  # 10 characters
        "7152672*X",  # a character outside GB 11714's set
        "71526726Y",  # a check that is neither a digit nor X
        "440301103448668",  # registration number: wrong check digit
        "44030110344866",  # 14 digits
        "44030110344866A",  # a letter
        "",
        "营业执照",
    ],
)
def test_invalid_codes(code):
    assert kind_of(code) is None
    assert not is_valid(code)
    assert region_of(code) is None


def test_is_valid_limited_to_kinds():
    assert is_valid("914403001922038216")
    assert is_valid("914403001922038216", kinds=("uscc",))
    assert not is_valid("914403001922038216", kinds=("org_code", "licence_no"))
    assert not is_valid("440301103448669", kinds=("uscc",))


def mod_11_10_check_digit(digits):
    """ISO 7064 MOD 11,10 as GS 15-2006 words it, to check stdnum's implementation against."""
    p = 10
    for d in digits:
        p = ((p % 11 + int(d)) % 10 or 10) * 2
    return next(c for c in range(10) if (p % 11 + c) % 10 == 1)


def test_registration_number_check_is_the_standards():
    rng = random.Random(15)
    for _ in range(200):
        body = "".join(rng.choices(string.digits, k=14))
        good = mod_11_10_check_digit(body)
        assert kind_of(f"{body}{good}") == "licence_no"
        assert all(kind_of(f"{body}{bad}") is None for bad in range(10) if bad != good)


def test_generated_usccs_round_trip_through_stdnum():
    rng = random.Random(32100)
    body_chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for _ in range(50):
        region = "".join(rng.choices(string.digits, k=6))
        body = "".join(rng.choices(body_chars, k=8))
        org_code = body + org_code_check_digit(body)
        first17 = rng.choice(["91", "92", "93", "11", "12", "51", "52"]) + region + org_code
        code = first17 + stdnum_uscc.calc_check_digit(first17)
        assert stdnum_uscc.validate(code) == code
        assert kind_of(code) == "uscc"
        assert org_code_of(code) == org_code
        assert kind_of(org_code) == "org_code"
        assert region_of(code) == region
        wrong = next(c for c in body_chars if c != code[-1])
        assert kind_of(code[:-1] + wrong) is None


def test_uscc_with_a_letter_for_its_authority():
    # GB 32100 lets the first character be a capital (Y: 其他); stdnum.validate() wants a digit there.
    first17 = "Y1150100MA0000007"
    code = first17 + stdnum_uscc.calc_check_digit(first17)
    assert kind_of(code) == "uscc"
    assert not stdnum_uscc.is_valid(code)
    assert region_of(code) == "150100"
    assert org_code_of(code) == "MA0000007"
