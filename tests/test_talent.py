"""是否高端人才 and the 会计领军人才 details: 内蒙古 asks them with the qualification (002 §九-十), 吉林 in its own
人才信息 step (001); 兵团 and 重庆 not at all. A 是 asks the details, each checked; the reviewer and the archive
show them."""

from datetime import date

import pytest

from console.collection import rules
from console.profiles import load_profile
from models import Accountant, Collection, QualificationSection
from tests import test_education_record
from tests.helpers import post_form
from tests.test_wizard import JOURNEYS, STEPS, accountant_client, step, submit

applicant = test_education_record.applicant  # the fixture: an Inner Mongolia applicant
upload_all, reviewer = test_education_record.upload_all, test_education_record.reviewer
TODAY = date(2026, 12, 6)
TALENT = {
    "high_end_talent": "1",
    "talent_category": "企业类",
    "talent_state": "已毕业",
    "talent_period": "3",
    "talent_selected_year": "2015",
    "talent_graduated_year": "2019",
}


@pytest.mark.parametrize(
    "changes, errors",
    [
        ({"high_end_talent": False, "talent_period": "第三期"}, {}),  # 否: the details are not asked
        ({"high_end_talent": None}, {}),  # unanswered counts as 否
        ({}, {}),
        (
            {"talent_category": "", "talent_state": "", "talent_period": "", "talent_selected_year": ""},
            {
                "talent_graduated_year": "培养状态为“已毕业”的才填写毕业年度",
                "talent_category": "请选择会计领军人才类别",
                "talent_state": "请选择培养状态",
                "talent_period": "请填写期次",
                "talent_selected_year": "请填写入选年度",
            },
        ),
        ({"talent_period": "第三期"}, {"talent_period": "期次只能填写数字（如第 3 期填 3）"}),
        ({"talent_period": "0"}, {"talent_period": "期次只能填写数字（如第 3 期填 3）"}),
        ({"talent_selected_year": "15"}, {"talent_selected_year": "入选年度应为四位年份（如 2019），且不晚于 2026 年"}),
        (
            {"talent_selected_year": "2030"},
            {"talent_selected_year": "入选年度应为四位年份（如 2019），且不晚于 2026 年"},
        ),
        ({"talent_graduated_year": ""}, {"talent_graduated_year": "请填写毕业年度"}),
        ({"talent_graduated_year": "2014"}, {"talent_graduated_year": "毕业年度不能早于入选年度"}),
        (
            {"talent_state": "在培"},
            {"talent_graduated_year": "培养状态为“已毕业”的才填写毕业年度"},
        ),
        ({"talent_state": "在培", "talent_graduated_year": ""}, {}),
    ],
)
def test_a_talent_gives_the_details_each_checked(changes, errors):
    answers = {**TALENT, "high_end_talent": True, **changes}
    assert rules.check_talent(answers, TODAY) == errors


@pytest.mark.parametrize(
    "province, section",
    [("neimenggu", "qualification"), ("jilin", "talent"), ("bingtuan", None), ("chongqing", None)],
)
def test_each_profile_asks_it_where_its_manual_does(province, section):
    assert rules.talent_section(load_profile(province)) == section


def test_inner_mongolia_asks_it_with_the_qualification_and_explains_each_detail(applicant, scans):
    page = applicant.get("/portal/collection/qualification").get_data(as_text=True)
    assert "是否高端人才" in page and "会计领军人才类别" in page and 'data-shown-when="high_end_talent=1"' in page
    typed = {"level": "无", "high_end_talent": "1", "talent_period": "第三期", "talent_selected_year": "15"}
    response = step(applicant, "qualification", typed)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    for message in (
        "请选择会计领军人才类别",
        "请选择培养状态",
        "期次只能填写数字（如第 3 期填 3）",
        "入选年度应为四位年份",
    ):
        assert message in text
    assert 'value="第三期"' in text and 'value="15"' in text  # kept as typed
    for key in ("preparation", "commitment", "personal", "post", "education"):
        step(applicant, key, STEPS[key])
    upload_all(applicant, scans)
    assert "请选择会计领军人才类别" in applicant.get("/portal/collection/preview").get_data(as_text=True)
    assert submit(applicant, {"confirm": "y"}).status_code == 200 and Collection.get().status == "draft"

    assert step(applicant, "qualification", {"level": "无", **TALENT}).status_code == 302
    held = QualificationSection.get()
    assert (held.high_end_talent, held.talent_category, held.talent_period, held.talent_graduated_year) == (
        True,
        "企业类",
        "3",
        "2019",
    )


def test_a_talent_is_shown_to_the_reviewer_and_in_the_archive(app, applicant, scans):
    for key in ("preparation", "commitment", "personal", "post", "education"):
        step(applicant, key, STEPS[key])
    step(applicant, "qualification", {"level": "无", **TALENT})
    upload_all(applicant, scans)
    assert submit(applicant, {"confirm": "y"}).headers["Location"] == "/portal/"
    client = reviewer(app)
    url = f"/console/review/{Collection.get().id}"
    page = client.get(url).get_data(as_text=True)
    for label, value in (("是否高端人才", "是"), ("会计领军人才类别", "企业类"), ("期次", "3"), ("毕业年度", "2019")):
        assert f"<dt>{label}</dt>" in page and value in page
    assert post_form(client, f"{url}/approve", {}, url).status_code == 302
    record = client.get(f"/console/accountant/details/?id={Accountant.get().id}").get_data(as_text=True)
    assert "会计领军人才类别" in record and "企业类" in record and "入选年度" in record and "2015" in record


def test_a_no_hides_the_details_from_the_reviewer(app, applicant, scans):
    for key in ("preparation", "commitment", "personal", "post", "education"):
        step(applicant, key, STEPS[key])
    assert step(applicant, "qualification", {"level": "无", "high_end_talent": "0"}).status_code == 302
    upload_all(applicant, scans)
    assert submit(applicant, {"confirm": "y"}).headers["Location"] == "/portal/"
    client = reviewer(app)
    page = client.get(f"/console/review/{Collection.get().id}").get_data(as_text=True)
    assert "<dt>是否高端人才</dt>" in page and "<dt>会计领军人才类别</dt>" not in page


@pytest.mark.parametrize("province", ["jilin"])
def test_jilin_asks_it_in_its_own_step_and_a_talent_proves_it(app, province):
    region, born = JOURNEYS[province][:2]
    client = accountant_client(app, region, born, app.extensions["profile"].province_code)
    assert "是否高端人才" not in client.get("/portal/collection/qualification").get_data(as_text=True)
    response = step(client, "talent", {"high_end_talent": "1", "talent_category": "学术类"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "请选择培养状态" in text and "请填写期次" in text
    assert step(client, "talent", {**TALENT, "talent_state": "在培", "talent_graduated_year": ""}).status_code == 302
    with app.app_context():
        given = {
            "personal": {},
            "post": {},
            "full_time": {},
            "part_time": {},
            "qualification": {"level": "无", "high_end_talent": True},
        }
        assert "talent_proof" in rules.required_slots(app.extensions["profile"], given)  # 001: 人才证明


@pytest.mark.parametrize("province", ["bingtuan", "chongqing"])
def test_the_other_profiles_do_not_ask_it(app, province):
    region, born = JOURNEYS[province][:2]
    client = accountant_client(app, region, born, app.extensions["profile"].province_code)
    assert "是否高端人才" not in client.get("/portal/collection/qualification").get_data(as_text=True)
