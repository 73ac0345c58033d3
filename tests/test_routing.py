"""Which authority manages a region: the county's own bureau, else the city's, else the province's."""

import pytest

from console.collection import rules
from console.errors import RuleViolation
from console.org import authorities
from console.org.routing import authority_for_region
from models import Authority


def name_for(code):
    found = authority_for_region(code)
    return found.name if found else None


def test_county_city_province_and_outside(ctx):
    assert name_for("150105") == "赛罕区财政局"
    assert name_for("150199") == "呼和浩特市财政局"  # a Hohhot code with no bureau of its own
    assert name_for("159999") == "内蒙古自治区财政厅"
    assert name_for("110105") is None  # Beijing: outside the profile


def test_a_merged_bureau_hands_its_region_to_the_one_it_was_merged_into(ctx):
    authorities.merge(Authority.get(Authority.name == "赛罕区财政局"), Authority.get(Authority.name == "新城区财政局"))
    assert name_for("150105") == "新城区财政局"  # not the city above it


@pytest.mark.parametrize("province", ["bingtuan"])
def test_bingtuan_divisions_by_their_city(ctx):
    assert name_for("659001") == "第八师财政局"
    assert name_for("650102") is None  # 乌鲁木齐: not a 兵团 region


@pytest.mark.parametrize("province", ["jilin"])
def test_jilin_urban_districts_go_to_their_city(ctx):
    assert name_for("220102") == "长春市财政局"  # 南关区 has no bureau in the seed's table
    assert name_for("222401") == "延吉市财政局"


def given(post, unit=None, id_number="150105199003071244"):
    """The answers route() reads: the post section, the unit found or added, the ID number."""
    return {"post": post, "unit": unit or {}, "personal": {"id_number": id_number}}


def at_unit(region_code, **post):
    return given({"has_unit": True, **post}, {"region_code": region_code, "assigned": False})


def routed(case, profile):
    try:
        return rules.route(case, profile).name
    except RuleViolation as refused:
        return f"拒绝：{refused}"


# (profile, what the person answered, the bureau) — every example of the four manuals
TABLE = {
    "neimenggu": [
        # 002 §一.2: 扶贫办 registered at the region level (USCC 1115…), its address in 赛罕区
        (at_unit("150105"), "赛罕区财政局"),
        (at_unit("150203"), "昆都仑区财政局"),
        (at_unit("150199"), "呼和浩特市财政局"),  # a Hohhot code without a bureau of its own
        (given({"has_unit": False, "residence_type": "household"}, id_number="150102198501011238"), "新城区财政局"),
        (
            given({"has_unit": False, "residence_type": "residence_permit", "residence_region_code": "150602"}),
            "东胜区财政局",
        ),
        (given({"has_unit": False, "residence_type": "student", "residence_region_code": "150105"}), "赛罕区财政局"),
        # 002 §七: 单位、户籍、居住地不属于内蒙古的，请在其他省市进行信息采集
        (
            given({"has_unit": False, "residence_type": "household"}, id_number="110105198501011236"),
            "拒绝：户籍不在内蒙古自治区范围内，请在户籍所在省份参加会计人员信息采集",
        ),
    ],
    "jilin": [  # 001 图1-6: 单位所属区域, chosen
        (at_unit("220102", work_region_code="220102"), "长春市财政局"),
        (at_unit("220102", work_region_code="220581"), "梅河口市财政局"),  # the region chosen, not the code's
        (at_unit("220102", work_region_code="222401"), "延吉市财政局"),
    ],
    "chongqing": [  # 003 §2: 工作地所在地区 = 资料采集受理地
        (at_unit("500103", work_region_code="500103"), "渝中区财政局"),
        (at_unit("500103", work_region_code="500101"), "万州区财政局"),
        (
            given({"has_unit": False, "residence_type": "out_of_province", "residence_region_code": "500106"}),
            "沙坪坝区财政局",
        ),
    ],
    "bingtuan": [  # 000 §6: 会计管理部门（申报人自主选择）, for units and people carrying 新疆 codes
        (at_unit("650100", chosen_authority="第十一师财政局"), "第十一师财政局"),
        (at_unit("652901", chosen_authority="第一师财政局"), "第一师财政局"),
        (at_unit("654000", chosen_authority="第四师财政局"), "第四师财政局"),
        (
            given({"has_unit": False, "residence_type": "household", "chosen_authority": "第十二师财政局"}),
            "第十二师财政局",
        ),
        (at_unit("650100"), "拒绝：请选择会计管理部门"),
    ],
}


@pytest.mark.parametrize(
    ("province", "case", "bureau"), [(p, case, bureau) for p, rows in TABLE.items() for case, bureau in rows]
)
def test_every_manual_example_reaches_its_bureau(app, ctx, case, bureau):
    chosen = case["post"].get("chosen_authority")
    if chosen:
        case["post"]["chosen_authority"] = Authority.get(Authority.name == chosen).id
    assert routed(case, app.extensions["profile"]) == bureau


def test_a_unit_under_a_special_authority_goes_there_whatever_its_region(app, ctx):
    direct = Authority.get(Authority.name == "自治区直属")
    case = given({"has_unit": True}, {"region_code": "150105", "assigned": True, "authority": direct.id})
    assert routed(case, app.extensions["profile"]) == "自治区直属"


MERGED = {  # profile: (merged, merged into, an answer of each kind that reached the merged one)
    "neimenggu": (
        "赛罕区财政局",
        "回民区财政局",
        [
            at_unit("150105"),
            given({"has_unit": False, "residence_type": "household"}),  # an ID of 150105
            given({"has_unit": False, "residence_type": "residence_permit", "residence_region_code": "150105"}),
            given({"has_unit": False, "residence_type": "student", "residence_region_code": "150105"}),
        ],
    ),
    "jilin": ("梅河口市财政局", "通化市财政局", [at_unit("220581", work_region_code="220581")]),
    "bingtuan": ("第十二师财政局", "第十一师财政局", [at_unit("650100", chosen_authority="第十二师财政局")]),
}


@pytest.mark.parametrize(
    ("province", "index"), [(p, i) for p, (*_, cases) in MERGED.items() for i in range(len(cases))]
)
def test_after_a_merge_every_kind_of_answer_reaches_the_authority_merged_into(app, ctx, province, index):
    source, target, cases = MERGED[province]
    case = cases[index]
    chosen = case["post"].get("chosen_authority")
    if chosen:
        case["post"]["chosen_authority"] = Authority.get(Authority.name == chosen).id  # chosen before the merge
    authorities.merge(Authority.get(Authority.name == source), Authority.get(Authority.name == target))
    assert routed(case, app.extensions["profile"]) == target
