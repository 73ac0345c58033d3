"""Province profiles are data files; the active one comes from PROVINCE."""

import re

import pytest

from console import create_app
from console.infra import messages
from console.profiles import DATA_DIR, ProfileError, available, load_profile


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


@pytest.mark.parametrize("key", ["bingtuan", "chongqing", "jilin", "neimenggu"])
def test_every_shipped_profile_passes_the_checks(key):
    assert load_profile(key).key == key


def broken(tmp_path, key, old, new):
    """A copy of a shipped profile in tmp_path with `old` replaced by `new` once; returns the copy's path."""
    text = (DATA_DIR / "profiles" / f"{key}.toml").read_text()
    assert text.count(old) == 1, f"{old!r} is not unique in {key}.toml"
    path = tmp_path / f"{key}.toml"
    path.write_text(text.replace(old, new))
    return path


EDUCATION = 'continuing_education = { credits = 90, professional_share = "2/3", since = 2019 }\nsections ='

MISTAKES = {
    # kind of mistake: (profile, text, its replacement, the key and message the error names)
    "unknown top-level key": ("jilin", "routing =", "routng =", "routng: unknown key"),
    "missing required key": ("jilin", 'root_name = "吉林省财政厅"\n', "", "root_name: missing"),
    "wrong type": ("bingtuan", "abacus = true", 'abacus = "yes"', "abacus: expected bool, got str"),
    "key not the file's name": ("jilin", 'key = "jilin"', 'key = "jilln"', "key: 'jilln' differs"),
    "unknown section": ("jilin", '["personal"', '["persnal"', "sections: unknown section 'persnal'"),
    "section twice": ("jilin", '"talent",', '"talent", "talent",', "sections: 'talent' listed twice"),
    "unknown sign-in mode": ("chongqing", '"phone_sms"]', '"sms"]', "login_modes: unknown sign-in mode 'sms'"),
    "no sign-in mode": ("jilin", '["username_password_captcha"]', "[]", "login_modes: empty"),
    "unknown reset channel": ("neimenggu", '["sms", "email"]', '["sms", "wechat"]', "password_reset: unknown channel"),
    "unknown ID type": ("jilin", '"military"]', '"army"]', "id_types: unknown ID type 'army'"),
    "general upload limit missing": ("jilin", "max_kb = 200\n", "", "uploads.max_kb: missing"),
    "unknown general upload key": ("jilin", "max_kb = 200", "max_kB = 200", "uploads.max_kB: unknown key"),
    "unknown image format": (
        "jilin",
        '[uploads]\nformats = ["JPEG", "PNG"]',
        '[uploads]\nformats = ["JPEG", "GIF"]',
        "uploads.formats: unknown format 'GIF'",
    ),
    "size limit not positive": ("jilin", "max_kb = 200", "max_kb = 0", "uploads.max_kb: expected a positive"),
    "minimum above maximum": (
        "neimenggu",
        "min_kb = 60\nmax_kb = 150",
        "min_kb = 160\nmax_kb = 150",
        "uploads.min_kb:",
    ),
    "unknown upload slot": ("jilin", "[uploads.photo]", "[uploads.foto]", "uploads.foto: unknown upload slot"),
    "unknown slot key": ("neimenggu", "width = 295", "widht = 295", "uploads.photo.widht: unknown key"),
    "slot minimum above its maximum": ("neimenggu", "max_kb = 100", "max_kb = 50", "uploads.photo.min_kb:"),
    "width without height": ("neimenggu", "height = 413\n", "", "uploads.photo.height: missing"),
    "width not positive": ("neimenggu", "width = 295", "width = -295", "uploads.photo.width: expected a positive"),
    "unknown work-proof slot": ("neimenggu", 'work_proof = "letter"', 'work_proof = "letters"', "work_proof: unknown"),
    "unknown auto pass": ("neimenggu", 'auto_pass = "legacy_unchanged"', 'auto_pass = "always"', "auto_pass: unknown"),
    "unknown password key": ("jilin", "{ min_length = 8", "{ min_len = 8", "accountant_password.min_len: unknown key"),
    "password classes out of range": ("neimenggu", "classes = 1", "classes = 5", "accountant_password.classes:"),
    "four classes without symbols": ("chongqing", "classes = 1", "classes = 4", "accountant_password.classes:"),
    "unknown education key": (
        "jilin",
        "sections =",
        EDUCATION.replace("since", "from"),
        "continuing_education.from: unknown key",
    ),
    "education share not a fraction": (
        "jilin",
        "sections =",
        EDUCATION.replace('"2/3"', '"two thirds"'),
        "continuing_education.professional_share: expected a fraction",
    ),
    "deadline not a date": (
        "jilin",
        'name = "吉林省"',
        'name = "吉林省"\ncollection_deadline = "2027-02-30"',
        "collection_deadline: '2027-02-30' is no date",
    ),
    "material of an unknown slot": ("jilin", 'slot = "talent_proof"', 'slot = "talent"', "materials[3].slot: unknown"),
    "material without text": (
        "jilin",
        'text = "学历证明扫描件"',
        'txt = "学历证明扫描件"',
        "materials[1].txt: unknown key",
    ),
    "TOML syntax": ("jilin", 'name = "吉林省"', 'name = "吉林省', "Illegal character"),
    "unknown message": (
        "chongqing",
        'sms_signature = "重庆会计之家"',
        'sms_signature = "重庆会计之家"\nmessages = { approved = "已通过" }',
        "messages.approved: unknown message",
    ),
    "message without its fields": (
        "chongqing",
        'sms_signature = "重庆会计之家"',
        'sms_signature = "重庆会计之家"\nmessages = { code = "验证码 {code}" }',
        "messages.code: must use the fields ['code', 'purpose']",
    ),
}


@pytest.mark.parametrize("key, old, new, message", MISTAKES.values(), ids=MISTAKES.keys())
def test_a_mistake_in_a_profile_names_the_file_and_the_key(tmp_path, key, old, new, message):
    path = broken(tmp_path, key, old, new)
    with pytest.raises(ProfileError, match=re.escape(f"{path}: {message}")):
        load_profile(key, directory=tmp_path)


def test_the_app_refuses_to_start_on_a_broken_profile(tmp_path):
    path = broken(tmp_path, "jilin", '["personal"', '["persnal"')
    with pytest.raises(ProfileError, match=re.escape(f"{path}: sections: unknown section 'persnal'")):
        create_app({"PROVINCE": "jilin", "PROFILES_DIR": str(tmp_path), "SECRET_KEY": "test-secret"})


@pytest.mark.parametrize(
    "key, signature",
    [("neimenggu", "【内蒙古会计网】"), ("chongqing", "【重庆会计之家】"), ("jilin", "【吉林省会计信息管理系统】")],
)
def test_each_profile_signs_its_sms_as_its_manual_says(key, signature):
    assert messages.sms(load_profile(key), "collection_returned").startswith(
        signature + "您提交的会计人员信息采集已退回"
    )


def test_a_profile_words_a_message_its_own_way(tmp_path):
    own = 'sms_signature = "重庆会计之家"\nmessages = { collection_approved = "您的采集信息已通过审核。" }'
    broken(tmp_path, "chongqing", 'sms_signature = "重庆会计之家"', own)
    profile = load_profile("chongqing", directory=tmp_path)
    assert messages.sms(profile, "collection_approved") == "【重庆会计之家】您的采集信息已通过审核。"
    assert messages.sms(profile, "code", purpose="登录", code="123456").startswith(
        "【重庆会计之家】您的登录验证码是 123456"
    )
