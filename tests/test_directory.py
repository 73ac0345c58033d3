"""The public 咨询电话 page: every active authority of the profile with its phones, grouped, searchable."""

import re
from pathlib import Path

import pytest

from models import Authority

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "001_d2491e094dd677cc.txt"
ENTRY = re.compile(
    r'<li class="directory-entry" data-name="([^"]+)">.*?<span class="phones">(.*?)</span>\s*</li>', re.S
)


def seed_table():
    """(name, [phones]) of the 52 rows of seed 001, with its one typo 延边洲 read as 延边州."""
    if not SEED.exists():
        pytest.skip("shared/seeds is not beside this checkout")
    rows = re.findall(r"^(\d+)\t(\S+)\t(.+)$", SEED.read_text(encoding="utf-8"), re.M)
    return [(name.replace("延边洲", "延边州"), re.split(r"；\s*", phones.strip())) for _, name, phones in rows]


def listed(page):
    return [(name, re.findall(r'href="tel:([^"]+)"', phones)) for name, phones in ENTRY.findall(page)]


@pytest.mark.parametrize("province", ["jilin"])
def test_jilin_directory_lists_exactly_the_52_bureaus_of_the_seed(client):
    expected = seed_table()
    assert len(expected) == 52
    page = client.get("/directory").get_data(as_text=True)
    assert sorted(listed(page)) == sorted(expected)
    assert "共 52 个会计管理机构" in page


@pytest.mark.parametrize("province", ["jilin"])
def test_directory_groups_counties_under_their_city(client):
    page = client.get("/directory").get_data(as_text=True)
    groups = re.findall(r"<h2>(.*?)</h2>\s*<ul class=\"directory\">(.*?)</ul>", page, re.S)
    by_heading = {heading: re.findall(r'data-name="([^"]+)"', body) for heading, body in groups}
    assert by_heading["延边州财政局"][:2] == ["延边州财政局", "延吉市财政局"]
    assert "安图县财政局" in by_heading["延边州财政局"]
    assert by_heading["长白山管委会财政局"] == ["长白山管委会财政局"]


@pytest.mark.parametrize("province", ["jilin"])
def test_directory_search_by_name(client):
    page = client.get("/directory", query_string={"q": "延"}).get_data(as_text=True)
    assert {name for name, _ in listed(page)} == {"延边州财政局", "延吉市财政局"}
    empty = client.get("/directory", query_string={"q": "不存在"}).get_data(as_text=True)
    assert "没有找到名称含“不存在”的会计管理机构" in empty


def test_directory_hides_deactivated_authorities_and_says_when_a_phone_is_missing(app, client):
    Authority.update(is_active=False).where(Authority.name == "武川县财政局").execute()
    page = client.get("/directory").get_data(as_text=True)
    names = [name for name, _ in listed(page)]
    assert "武川县财政局" not in names and "赛罕区财政局" in names
    assert "自治区直属" in names and "（内蒙古自治区会计学会）" in page
    assert "暂无电话" in page


def test_directory_needs_no_sign_in_and_fits_a_phone(client):
    response = client.get("/directory")
    assert response.status_code == 200
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in response.get_data(as_text=True)
