"""The authority tree of each profile, re-loading, moving, deactivating and merging."""

from datetime import date

import pytest

from console.errors import RuleViolation
from console.infra import clock
from console.org import authorities
from console.profiles import load_profile
from models import (
    MODELS,
    Account,
    Accountant,
    AuditEntry,
    Authority,
    Collection,
    Filing,
    SchemaVersion,
    Unit,
)


def named(name):
    return Authority.get(Authority.name == name)


@pytest.mark.parametrize("province", ["neimenggu"])
def test_neimenggu_tree_follows_gbt2260_with_special_authorities(ctx):
    root = Authority.get(Authority.code == "15")
    assert root.name == "内蒙古自治区财政厅" and root.level == "province" and root.parent is None
    cities = Authority.select().where(Authority.parent == root, ~Authority.special)
    assert {c.name for c in cities} >= {"呼和浩特市财政局", "兴安盟财政局", "锡林郭勒盟财政局", "阿拉善盟财政局"}
    assert cities.count() == 12
    saihan = named("赛罕区财政局")
    assert (saihan.level, saihan.region_code, saihan.parent.name) == ("county", "150105", "呼和浩特市财政局")
    direct = named("自治区直属")
    assert direct.special and direct.run_by == "内蒙古自治区会计学会" and direct.parent == root
    assert named("大兴安岭林管局").special


@pytest.mark.parametrize("province", ["bingtuan"])
def test_bingtuan_tree_has_fourteen_divisions(ctx):
    root = Authority.get(Authority.code == "66")
    assert root.name == "新疆生产建设兵团财政局"
    divisions = [a.name for a in Authority.select().where(Authority.parent == root).order_by(Authority.sort_order)]
    assert divisions[0] == "第一师财政局" and divisions[-1] == "第十四师财政局" and len(divisions) == 14
    assert named("第八师财政局").region_code == "659001"  # 石河子市


@pytest.mark.parametrize("province", ["chongqing"])
def test_chongqing_districts_hang_directly_under_the_city_bureau(ctx):
    root = Authority.get(Authority.code == "50")
    yuzhong = named("渝中区财政局")
    assert yuzhong.parent == root and yuzhong.level == "county"
    assert Authority.select().where(Authority.level == "city").count() == 0


@pytest.mark.parametrize("province", ["jilin"])
def test_jilin_tree_is_the_seed_table(ctx):
    assert Authority.select().count() == 52
    assert named("吉林省财政厅（吉林省会计人员服务中心）").level == "province"
    assert named("长春市财政局").phone_list == ["0431-89865795", "0431-89865957"]
    yanbian = named("延边州财政局")
    assert yanbian.region_code == "2224" and named("延吉市财政局").parent == yanbian
    assert named("长白山管委会财政局").special
    assert not Authority.select().where(Authority.name.contains("洲")).exists()


def test_reload_keeps_console_edits_and_deletes_nothing(ctx):
    profile = load_profile("neimenggu")
    saihan = named("赛罕区财政局")
    saihan.phones, saihan.edited_in_console = "0471-1234567", True
    saihan.save()
    Authority.create(
        code="15-X", name="控制台新增机构", level="city", parent=named("内蒙古自治区财政厅"), edited_in_console=True
    )
    before = Authority.select().count()

    report = authorities.load_authorities(profile)

    assert report["created"] == 0 and report["kept"] == 1
    assert Authority.select().count() == before
    assert named("赛罕区财政局").phones == "0471-1234567"
    assert named("控制台新增机构").is_active


def test_reload_refreshes_what_nobody_edited(ctx):
    hohhot = named("呼和浩特市财政局")
    hohhot.name = "旧名称"
    hohhot.save()
    report = authorities.load_authorities(load_profile("neimenggu"))
    assert report["updated"] == 1 and Authority.get_by_id(hohhot.id).name == "呼和浩特市财政局"


def test_parent_cannot_be_the_authority_itself_or_below_it(ctx):
    hohhot, saihan = named("呼和浩特市财政局"), named("赛罕区财政局")
    with pytest.raises(RuleViolation, match="不能移动到本机构或其下级机构之下"):
        authorities.check_parent(hohhot, saihan)
    with pytest.raises(RuleViolation):
        authorities.check_parent(hohhot, hohhot)
    authorities.check_parent(saihan, named("包头市财政局"))


def _attach_everything(authority):
    """One row of every kind that hangs on an authority, plus a decided collection that must stay."""
    now = clock.now()
    unit = Unit.create(
        uscc="91150105MA0000001X", name="测试单位", region_code="150105", authority=authority, created_at=now
    )
    person = Accountant.create(
        id_number="150105199001011234",
        id_tail="1234",
        name="张三",
        phone="13800000001",
        authority=authority,
        unit=unit,
        created_at=now,
    )
    other = Accountant.create(
        id_number="150105199001015678",
        id_tail="5678",
        name="李四",
        phone="13800000002",
        authority=authority,
        created_at=now,
    )
    open_one = Collection.create(
        accountant=person, authority=authority, status="submitted", submitted_at=now, created_at=now, updated_at=now
    )
    closed = Collection.create(
        accountant=other, authority=authority, status="approved", submitted_at=now, created_at=now, updated_at=now
    )
    filing = Filing.create(
        kind="qualification",
        authority=authority,
        id_number="150105199001019999",
        name="王五",
        acquired_on=date(2020, 5, 1),
        submitted_at=now,
    )
    reviewer = Account.create(username="r1", password_hash="x", role="reviewer", authority=authority, created_at=now)
    return {
        "unit": unit,
        "person": person,
        "other": other,
        "open": open_one,
        "closed": closed,
        "filing": filing,
        "reviewer": reviewer,
    }


def _row_counts():
    return {m.__name__: m.select().count() for m in MODELS if m not in (AuditEntry, SchemaVersion)}


def test_merge_moves_every_attached_row_and_loses_none(ctx):
    source, target = named("赛罕区财政局"), named("新城区财政局")
    rows = _attach_everything(source)
    child = Authority.create(code="150105-1", name="赛罕区某分局", level="county", parent=source)
    before = _row_counts()

    moved = authorities.merge(source, target)

    assert _row_counts() == before
    assert moved == {
        "下级机构": 1,
        "工作单位": 1,
        "会计人员": 2,
        "未办结的信息采集": 1,
        "未办结的备案": 1,
        "审核人员账号": 1,
    }
    assert Unit.get_by_id(rows["unit"].id).authority_id == target.id
    assert Accountant.get_by_id(rows["person"].id).authority_id == target.id
    assert Accountant.get_by_id(rows["other"].id).authority_id == target.id
    assert Collection.get_by_id(rows["open"].id).authority_id == target.id
    assert Collection.get_by_id(rows["closed"].id).authority_id == source.id  # decided there, stays there
    assert Filing.get_by_id(rows["filing"].id).authority_id == target.id
    assert Account.get_by_id(rows["reviewer"].id).authority_id == target.id
    assert Authority.get_by_id(child.id).parent_id == target.id
    merged = Authority.get_by_id(source.id)
    assert not merged.is_active and merged.merged_into_id == target.id and merged.edited_in_console
    entry = AuditEntry.get(AuditEntry.action == "authority.merge")
    assert entry.target_id == str(source.id) and "新城区财政局" in entry.detail


def test_merge_is_all_or_nothing(ctx, monkeypatch):
    source, target = named("赛罕区财政局"), named("新城区财政局")
    rows = _attach_everything(source)

    def fail(*args, **kwargs):
        raise RuntimeError("写入审计日志失败")

    monkeypatch.setattr(authorities.audit, "record", fail)
    with pytest.raises(RuntimeError):
        authorities.merge(source, target)
    assert Unit.get_by_id(rows["unit"].id).authority_id == source.id
    assert Authority.get_by_id(source.id).is_active


@pytest.mark.parametrize(
    "source_name, target_name, message",
    [
        ("赛罕区财政局", "赛罕区财政局", "不能合并到本机构"),
        ("呼和浩特市财政局", "赛罕区财政局", "是“呼和浩特市财政局”的下级机构"),
        ("内蒙古自治区财政厅", "赛罕区财政局", "省级机构不能被合并"),
    ],
)
def test_merge_refusals(ctx, source_name, target_name, message):
    with pytest.raises(RuleViolation, match=message):
        authorities.merge(named(source_name), named(target_name))


def test_deactivate_refuses_while_anything_is_attached(ctx):
    saihan = named("赛罕区财政局")
    _attach_everything(saihan)
    with pytest.raises(RuleViolation, match="仍有.*工作单位 1 个.*请先合并到其他机构"):
        authorities.deactivate(saihan)
    assert named("赛罕区财政局").is_active


def test_deactivate_an_empty_authority(ctx):
    authorities.deactivate(named("武川县财政局"))
    assert not named("武川县财政局").is_active
    assert AuditEntry.select().where(AuditEntry.action == "authority.deactivate").count() == 1
    with pytest.raises(RuleViolation, match="省级机构不能停用"):
        authorities.deactivate(named("内蒙古自治区财政厅"))
