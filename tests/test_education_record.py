"""学历电子备案表 (002 §四.5, 8; §八): the optional online code, the scan it calls for, and 学历加标 beside the
education for the reviewer and in the archive; asked only where the manual asks it (内蒙古)."""

import re

import pytest

from console.collection import education_record, rules
from console.profiles import load_profile
from models import Accountant, Authority, Collection, Education
from tests.factories import scan_for
from tests.helpers import make_account, post_form, session_for
from tests.test_wizard import JOURNEYS, STEPS, UNIT, accountant_client, known_unit, step, submit, upload

CODE_LABEL = "全日制学历电子备案表在线验证码"
PART_TIME = {
    "part_time_level": "本科",
    "part_time_major": "会计学",
    "part_time_school": "中央广播电视大学",
    "part_time_graduated_on": "2016-07-01",
}
MARK = "全日制学历已加标（提供电子注册备案表）"


@pytest.fixture
def applicant(app):
    """An Inner Mongolia applicant whose unit a colleague added (test_wizard's)."""
    with app.app_context():
        known_unit(UNIT, "150203")
    return accountant_client(app, "150105", "19900307", "150105")


def reviewer(app):
    """A reviewer of 昆都仑区, where the applicant's unit routes the collection."""
    with app.app_context():
        kundulun = Authority.get(Authority.code == "150203")
    return session_for(app, make_account(app, "reviewer", "李审核", authority=kundulun))


def walk(client, education):
    for key in ("preparation", "commitment", "personal", "post", "qualification"):
        step(client, key, STEPS[key])
    return step(client, "education", {**STEPS["education"], **education})


def upload_all(client, scans, *extra):
    for slot in ("photo", "id_front", "id_back", "diploma", "degree", "letter", *extra):
        with client.application.app_context():
            content = scan_for(Collection.get(), slot, scans)
        assert "已上传" in upload(client, slot, content).get_data(as_text=True)


@pytest.mark.parametrize(
    "typed, problem",
    [
        ("", None),
        ("0908 8869 3519", None),
        ("090888693519", None),
        ("0908 8869 351", "应为 12 位数字（如 0908 8869 3519）"),
        ("0908-8869-3519", "应为 12 位数字（如 0908 8869 3519）"),
        ("０９０８８８６９３５１９", "应为 12 位数字（如 0908 8869 3519）"),  # full-width: typed again in ASCII
        ("0908 8869 35190", "应为 12 位数字（如 0908 8869 3519）"),
    ],
)
def test_the_online_code_is_twelve_digits_spaces_allowed(typed, problem):
    assert education_record.code_problem(typed) == problem


def test_a_bad_code_is_explained_at_its_field_kept_as_typed_and_stops_the_submission(applicant, scans):
    page = applicant.get("/portal/collection/education").get_data(as_text=True)
    assert CODE_LABEL in page and "非全日制学历电子备案表在线验证码" in page and "提供后学历加标" in page
    response = walk(applicant, {"full_time_record_code": "0908 8869 351"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and f"{CODE_LABEL}应为 12 位数字（如 0908 8869 3519）" in text
    assert 'value="0908 8869 351"' in text
    part_time = step(applicant, "education", {**STEPS["education"], **PART_TIME, "part_time_record_code": "1234"})
    assert "非全日制学历电子备案表在线验证码应为 12 位数字" in part_time.get_data(as_text=True)
    upload_all(applicant, scans)
    preview = applicant.get("/portal/collection/preview").get_data(as_text=True)
    assert "非全日制学历电子备案表在线验证码应为 12 位数字" in preview
    refused = submit(applicant, {"confirm": "y"}).get_data(as_text=True)
    assert "还有" in refused and Collection.get().status == "draft"  # nothing submitted


def test_a_code_is_kept_as_its_digits_and_calls_for_the_record_which_is_otherwise_offered(applicant, scans):
    assert walk(applicant, {}).status_code == 302
    page = applicant.get("/portal/collection/attachments").get_data(as_text=True)
    assert re.search(r"全日制学历电子注册备案表</strong> <span class=\"muted\">可选", page)
    assert "非全日制学历电子注册备案表" not in page  # no part-time education declared

    assert walk(applicant, {**PART_TIME, "full_time_record_code": " 0908 8869 3519 "}).status_code == 302
    assert Education.get(Education.mode == "full_time").record_code == "090888693519"
    assert 'value="090888693519"' in applicant.get("/portal/collection/education").get_data(as_text=True)
    page = applicant.get("/portal/collection/attachments").get_data(as_text=True)
    assert re.search(r"全日制学历电子注册备案表</strong> <span class=\"muted\">未上传", page)
    assert re.search(r"非全日制学历电子注册备案表</strong> <span class=\"muted\">可选", page)
    upload_all(applicant, scans)
    preview = applicant.get("/portal/collection/preview").get_data(as_text=True)
    assert "请上传全日制学历电子注册备案表" in preview  # 002 §八: 填写的必须上传
    assert submit(applicant, {"confirm": "y"}).status_code == 200 and Collection.get().status == "draft"


def test_code_and_scan_mark_the_education_for_the_reviewer_and_in_the_archive(app, applicant, scans):
    walk(applicant, {"full_time_record_code": "0908 8869 3519"})
    upload_all(applicant, scans, "diploma_record")
    assert submit(applicant, {"confirm": "y"}).headers["Location"] == "/portal/"
    client = reviewer(app)
    url = f"/console/review/{Collection.get().id}"
    page = client.get(url).get_data(as_text=True)
    assert MARK in page and "090888693519" in page and "对照全日制学历电子注册备案表" in page
    assert post_form(client, f"{url}/approve", {}, url).status_code == 302
    person = Accountant.get()
    assert person.archive_state == "archived"
    record = client.get(f"/console/accountant/details/?id={person.id}").get_data(as_text=True)
    assert MARK in record and "学历与人才信息" in record


def test_a_scan_without_its_code_marks_nothing(app, applicant, scans):
    walk(applicant, {})
    upload_all(applicant, scans, "diploma_record")
    assert submit(applicant, {"confirm": "y"}).headers["Location"] == "/portal/"
    page = reviewer(app).get(f"/console/review/{Collection.get().id}").get_data(as_text=True)
    assert "学历已加标" not in page and "对照全日制学历电子注册备案表" in page


@pytest.mark.parametrize("province", ["jilin", "bingtuan", "chongqing"])
def test_the_other_profiles_neither_ask_the_code_nor_its_record(app, province):
    profile = load_profile(province)
    given = {
        "personal": {},
        "post": {},
        "qualification": {"level": "无"},
        "full_time": {"level": "本科", "record_code": "0908"},  # say, a row copied from elsewhere
        "part_time": {},
    }
    assert "full_time_record_code" not in rules.check_education(given["full_time"], profile=profile)
    assert "diploma_record" not in rules.required_slots(profile, given)
    assert education_record.offered_slots(profile, given) == []
    region, born = JOURNEYS[province][:2]
    client = accountant_client(app, region, born, profile.province_code)
    page = client.get("/portal/collection/education").get_data(as_text=True)
    assert "全日制最高学历" in page and CODE_LABEL not in page
