"""Province profiles are data files; the active one comes from PROVINCE."""

import pytest

from console.profiles import available, load_profile


def test_the_four_provinces_are_available():
    assert available() == ["bingtuan", "chongqing", "jilin", "neimenggu"]


@pytest.mark.parametrize(
    "key, login, root",
    [
        ("neimenggu", ["id_password_captcha"], "内蒙古自治区财政厅"),
        ("jilin", ["username_password_captcha"], "吉林省财政厅"),
        ("bingtuan", ["name_id_password"], "新疆生产建设兵团财政局"),
        ("chongqing", ["id_password", "phone_sms"], "重庆市财政局"),
    ],
)
def test_profile_says_how_people_sign_in_and_where_the_tree_starts(key, login, root):
    profile = load_profile(key)
    assert profile.login_modes == login and profile.root_name == root


def test_upload_limits_come_from_the_manuals():
    assert load_profile("neimenggu").uploads["photo"] == {
        "formats": ["JPEG"],
        "min_kb": 60,
        "max_kb": 100,
        "width": 295,
        "height": 413,
    }
    assert load_profile("jilin").uploads["max_kb"] == 200
    assert load_profile("bingtuan").uploads["photo"]["max_kb"] == 100


def test_unknown_province_is_refused_with_the_choices():
    with pytest.raises(
        ValueError, match="未知的省份配置 PROVINCE='hainan'，可选：bingtuan, chongqing, jilin, neimenggu"
    ):
        load_profile("hainan")
