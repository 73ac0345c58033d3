"""继续教育学分 entered by hand by the bureau that manages a person, with the scan of the proof, under the import's
rules, shown and counted with the imported credits."""

import io
import re
from decimal import Decimal

import pytest

from console.archive import daily_rules, education_credits
from console.errors import RuleViolation
from console.infra import clock
from models import Accountant, Attachment, AuditEntry, Authority, EducationCredit
from tests.factories import on_duty_at, portal_account, unit_at
from tests.helpers import csrf_token, make_account, session_for

YEAR = str(clock.today().year - 1)


@pytest.fixture
def world(app):
    saihan = Authority.get(Authority.code == "150105")
    reviewer = make_account(app, "reviewer", "saihan", authority=saihan)
    with app.test_request_context():
        person = on_duty_at(unit_at(saihan), "王学习", 801)
        account = portal_account(person)
    return {
        "person": person,
        "account": account,
        "reviewer": reviewer,
        "city": make_account(app, "reviewer", "huhehaote", authority=saihan.parent),
        "stranger": make_account(app, "reviewer", "kunqu", authority=Authority.get(Authority.code == "150203")),
    }


def entry(client, person_id, scan, **fields):
    page = "/console/accountant/"  # a bureau outside the person's tree reads no page of theirs
    data = {"year": YEAR, "provider": "内蒙古会计学会", "credits": "90", "professional_credits": "60", **fields}
    if scan is not None:
        data["proof"] = (io.BytesIO(scan), "学时证明.jpg")
    return client.post(
        f"/console/accountant/education/?id={person_id}",
        data={"csrf_token": csrf_token(client, page), **data},
        content_type="multipart/form-data",
    )


def test_the_bureau_enters_a_years_credits_with_the_proof(app, world, scans):
    client = session_for(app, world["reviewer"])
    done = entry(client, world["person"].id, scans["scan"], credits="90.5")
    assert done.status_code == 302
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "已记载继续教育学分" in page and "内蒙古会计学会" in page and "会计管理机构记载" in page
    credit = EducationCredit.get()
    assert (credit.accountant_id, credit.year, credit.credits, credit.professional_credits, credit.provider) == (
        world["person"].id,
        int(YEAR),
        Decimal("90.5"),
        Decimal("60"),
        "内蒙古会计学会",
    )
    assert credit.entered_by_id == world["reviewer"].id
    proof = Attachment.get_by_id(credit.proof_id)
    assert (proof.slot, proof.accountant_id) == ("education_proof", world["person"].id)
    assert client.get(f"/files/{proof.id}").status_code == 200
    entry_row = AuditEntry.get(AuditEntry.action == "education_credit.record")
    assert entry_row.actor_id == world["reviewer"].id and entry_row.target_type == "EducationCredit"
    assert "内蒙古会计学会" in entry_row.detail


def test_entered_credits_count_with_the_imported_ones(app, world, scans):
    EducationCredit.create(
        accountant=world["person"],
        year=int(YEAR),
        credits=Decimal("40"),
        professional_credits=Decimal("40"),
        provider="学分银行",
        imported_at=clock.now(),
    )
    assert (
        entry(
            session_for(app, world["reviewer"]),
            world["person"].id,
            scans["scan"],
            credits="50",
            professional_credits="20",
        ).status_code
        == 302
    )
    home = session_for(app, world["account"]).get("/portal/").get_data(as_text=True)
    assert f"<td>{YEAR}</td><td>90.0</td><td>60.0</td><td>已完成</td>" in home


@pytest.mark.parametrize(
    "fields, scan, field, message",
    [
        ({"year": ""}, "scan", "year", "请填写年度"),
        ({"year": "1999"}, "scan", "year", "年度“1999”不正确，应为 2000—"),
        ({"year": str(clock.today().year + 1)}, "scan", "year", "不正确"),
        ({"provider": " "}, "scan", "provider", "请填写培训机构或项目"),
        ({"provider": "长" * 101}, "scan", "provider", "培训机构为空或超过 100 字"),
        ({"credits": ""}, "scan", "credits", "请填写学分"),
        ({"credits": "九十"}, "scan", "credits", "学分“九十”不是数字"),
        ({"credits": "1000"}, "scan", "credits", "学分“1000”应为 0—999.9 之间、最多一位小数的数"),
        ({"credits": "90.25"}, "scan", "credits", "最多一位小数"),
        ({"professional_credits": "-1"}, "scan", "professional_credits", "专业科目学分“-1”应为"),
        ({"professional_credits": "91"}, "scan", "professional_credits", "专业科目学分不能大于学分"),
        ({}, None, "proof", "请上传继续教育学分证明扫描件"),
        ({}, "junk", "proof", "文件"),
    ],
)
def test_a_bad_entry_says_what_is_wrong_at_its_field_and_writes_nothing(
    app, world, scans, fields, scan, field, message
):
    client = session_for(app, world["reviewer"])
    refused = entry(client, world["person"].id, {"scan": scans["scan"], "junk": b"GIF89a", None: None}[scan], **fields)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and message in page
    assert re.search(rf'class="[^"]*is-invalid" id="education-{field.split("_")[0]}"', page)  # at its field
    if "provider" not in fields:
        assert 'value="内蒙古会计学会"' in page  # what was typed is kept
    assert EducationCredit.select().count() == 0 and Attachment.select().count() == 0
    assert not AuditEntry.select().where(AuditEntry.action == "education_credit.record").exists()


def test_a_person_year_and_provider_is_held_once_as_in_the_import(app, world, scans):
    EducationCredit.create(
        accountant=world["person"], year=int(YEAR), credits=90, provider="内蒙古会计学会", imported_at=clock.now()
    )
    refused = entry(session_for(app, world["reviewer"]), world["person"].id, scans["scan"])
    assert refused.status_code == 422
    assert f"{YEAR} 年度“内蒙古会计学会”的学分已有记录" in refused.get_data(as_text=True)
    assert EducationCredit.select().count() == 1 and Attachment.select().count() == 0
    another = entry(session_for(app, world["reviewer"]), world["person"].id, scans["scan"], provider="财政部会计网校")
    assert another.status_code == 302 and EducationCredit.select().count() == 2


def test_only_the_managing_bureau_enters_credits_for_someone_on_record(app, world, scans):
    assert entry(session_for(app, world["stranger"]), world["person"].id, scans["scan"]).status_code == 404
    assert entry(session_for(app, world["city"]), world["person"].id, scans["scan"]).status_code == 403
    accountant = session_for(app, world["account"])
    token = csrf_token(accountant, "/portal/")
    url = f"/console/accountant/education/?id={world['person'].id}"
    assert accountant.post(url, data={"csrf_token": token}).status_code == 403
    Accountant.update(archive_state="abnormal").where(Accountant.id == world["person"].id).execute()
    assert (
        entry(session_for(app, world["reviewer"]), world["person"].id, scans["scan"]).status_code == 302
    )  # to 补足学分
    Accountant.update(archive_state="pending").where(Accountant.id == world["person"].id).execute()
    refused = pytest.raises(RuleViolation, match="只能为在库或异动库中的人员记载继续教育学分")
    with app.test_request_context(), refused:
        education_credits.enter(
            Accountant.get_by_id(world["person"].id),
            YEAR,
            "另一机构",
            "90",
            "60",
            scans["scan"],
            world["reviewer"],
            app.extensions["profile"],
            clock.today().year,
        )
    assert EducationCredit.select().count() == 1


def test_a_year_entered_by_hand_alone_is_not_one_the_yearly_rule_judges(app, world, scans):
    """The rule judges only the years the credit bank imported: one person's entry says nothing of the others."""
    EducationCredit.create(
        accountant=world["person"], year=2020, credits=90, provider="学分银行", imported_at=clock.now()
    )
    assert entry(session_for(app, world["reviewer"]), world["person"].id, scans["scan"]).status_code == 302
    with app.app_context():
        assert daily_rules.held_years(2019, int(YEAR)) == {2020}
