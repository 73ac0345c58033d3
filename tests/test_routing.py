"""Which authority manages a region: the county's own bureau, else the city's, else the province's."""

import pytest

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
