"""Units are found by USCC and added once, in-province only, with the licence scan."""

import pytest
from stdnum.cn import uscc

from console.errors import RuleViolation
from console.org import units
from models import Attachment, AuditEntry, Unit
from tests.images import PDF, noisy_jpeg


def code(region, serial="MA0000001"):
    body = f"91{region}{serial}"
    return body + uscc.calc_check_digit(body)


@pytest.fixture(scope="module")
def licence():
    return noisy_jpeg(900, 650, 65, 145)


def add(app, licence, uscc_code=None, name="内蒙古示范有限公司", address="赛罕区敕勒川大街 1 号", region="150105"):
    profile = app.extensions["profile"]
    return units.add_unit(
        uscc_code or code("150105"), name, address, "私营企业", "0471-6945678", licence, profile, None, region
    )


def test_an_unknown_unit_is_added_once_with_its_licence(app, ctx, licence):
    assert units.find_unit(code("150105"), app.extensions["profile"]) is None
    unit = add(app, licence)
    assert (unit.authority.name, unit.region_code) == ("赛罕区财政局", "150105")
    assert Attachment.get(Attachment.unit == unit).slot == "licence"
    assert AuditEntry.select().where(AuditEntry.action == "unit.create").count() == 1
    assert (
        units.find_unit(code("150105").lower(), app.extensions["profile"]).id == unit.id
    )  # the next accountant finds it


def test_adding_it_again_finds_the_first_record(app, ctx, licence):
    first = add(app, licence)
    second = add(app, licence, name="别的名字")
    assert second.id == first.id and Unit.select().count() == 1 and Attachment.select().count() == 1
    assert Unit.get().name == "内蒙古示范有限公司"


@pytest.mark.parametrize(
    "uscc_code, field, message",
    [
        ("91150105MA000000", "unit_uscc", "统一社会信用代码不正确"),
        (
            code("110105"),
            "unit_uscc",
            "只能添加本省（区）范围内的单位；在外省工作的，请在单位所在地参加会计人员信息采集",
        ),
    ],
)
def test_bad_codes_are_refused(app, ctx, licence, uscc_code, field, message):
    with pytest.raises(RuleViolation, match=message) as refused:
        add(app, licence, uscc_code=uscc_code)
    assert refused.value.field == field and Unit.select().count() == 0


def test_missing_fields_and_a_bad_licence_leave_nothing_behind(app, ctx, licence):
    with pytest.raises(RuleViolation, match="请填写单位全称"):
        add(app, licence, name=" ")
    with pytest.raises(RuleViolation, match="请填写单位地址"):
        add(app, licence, address="")
    with pytest.raises(RuleViolation, match="文件内容不是 JPEG 格式的图片"):
        add(app, PDF)
    assert Unit.select().count() == 0 and Attachment.select().count() == 0


def test_a_unit_is_managed_where_its_address_is(app, ctx, licence):
    """002 §一.2: 自治区直属 扶贫办, registered at the region level, its address in 赛罕区 → 赛罕区 reviews."""
    registered_high = code("150000", "MB0000007")
    assert units.suggested_region(registered_high, app.extensions["profile"]) == ""  # no county in the code: choose
    assert units.suggested_region(code("150105"), app.extensions["profile"]) == "150105"
    with pytest.raises(RuleViolation, match="请选择单位所在的旗县") as unchosen:
        add(app, licence, uscc_code=registered_high, region="")
    assert unchosen.value.field == "unit_region_code"
    office = add(app, licence, uscc_code=registered_high, name="内蒙古自治区扶贫开发办公室", region="150105")
    assert (office.region_code, office.authority.name) == ("150105", "赛罕区财政局")
