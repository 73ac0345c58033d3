"""The registry's ID-number correction: only by the bureau that manages the person, with the proof, every
record of the person following, the old and new numbers in the audit log."""

import io
import json

import pytest

from console.archive import registry
from console.collection import lifecycle
from console.errors import RuleViolation
from models import Accountant, Attachment, AuditEntry, Authority, Filing, PersonalSection
from tests.factories import applicant, entry_filed
from tests.helpers import csrf_token, make_account, resident_id, session_for

WRONG = resident_id("150105", "19900307", 124)  # the applicant's number as registered
RIGHT = resident_id("150102", "19851120", 331)  # a man born in 1985, as the 公安 certificate says


@pytest.fixture
def person(ctx):
    account = applicant()  # 王影, managed by 赛罕区 (150105)
    entry_filed(account.accountant)
    lifecycle.open_draft(account.accountant)
    return Accountant.get_by_id(account.accountant_id)


@pytest.fixture
def saihan(app):
    return make_account(app, "reviewer", "saihan", authority=Authority.get(Authority.code == "150105"))


def test_the_managing_bureau_corrects_the_number_and_every_record_follows(app, person, saihan, scans):
    profile = app.extensions["profile"]
    registry.correct_id_number(person, f" {RIGHT.lower()} ", scans["scan"], saihan, profile)

    held = Accountant.get_by_id(person.id)
    assert (held.id_number, held.id_tail, held.gender, str(held.birth_date)) == (
        RIGHT,
        RIGHT[-4:],
        "male",
        "1985-11-20",
    )
    personal = PersonalSection.get(PersonalSection.collection == person.collections.get())
    assert (personal.id_number, personal.gender) == (RIGHT, "male")
    assert Filing.get(Filing.accountant == person).id_number == RIGHT
    proof = Attachment.get(Attachment.accountant == person)
    assert (proof.slot, proof.uploaded_by_id) == ("id_correction", saihan.id)
    entry = AuditEntry.get(AuditEntry.action == "accountant.correct_id_number")
    assert json.loads(entry.detail) == {"姓名": "王影", "原证件号码": WRONG, "新证件号码": RIGHT}


@pytest.mark.parametrize(
    ("number", "proof", "field", "message"),
    [
        ("15010519900307124X", "scan", "id_number", "身份证号码校验位不正确"),
        (WRONG, "scan", "id_number", "新证件号码与原证件号码相同"),
        (RIGHT, None, "proof", "请上传公安机关出具的证件号码变更证明"),
        (RIGHT, b"%PDF-1.4 not an image", "proof", "文件内容不是 JPEG 格式的图片"),
    ],
)
def test_bad_input_changes_nothing(app, person, saihan, scans, number, proof, field, message):
    content = scans[proof] if proof == "scan" else proof
    with pytest.raises(RuleViolation, match=message) as refused:
        registry.correct_id_number(person, number, content, saihan, app.extensions["profile"])
    assert refused.value.field == field
    assert Accountant.get_by_id(person.id).id_number == WRONG
    assert not Attachment.select().where(Attachment.accountant == person).exists()


def test_a_number_another_person_holds_is_refused(app, person, saihan, scans):
    applicant("张三", 331, "13900003331")  # hypothetically registered already, under the same number
    Accountant.update(id_number=RIGHT).where(Accountant.name == "张三").execute()
    with pytest.raises(RuleViolation, match="该证件号码已属于另一名会计人员"):
        registry.correct_id_number(person, RIGHT, scans["scan"], saihan, app.extensions["profile"])


@pytest.mark.parametrize(("role", "code"), [("reviewer", "150203"), ("reviewer", "1501"), ("province_admin", None)])
def test_nobody_else_may_correct_it(app, person, scans, role, code):
    other = make_account(app, role, f"{role}{code}", authority=Authority.get(Authority.code == code) if code else None)
    with pytest.raises(RuleViolation, match="该人员不属于本机构管理"):
        registry.correct_id_number(person, RIGHT, scans["scan"], other, app.extensions["profile"])
    assert Accountant.get_by_id(person.id).id_number == WRONG


def test_the_console_corrects_it_keeping_what_was_typed_and_shows_the_proof_to_the_bureau(app, scans):
    with app.test_request_context():
        account = applicant()
        person_id = account.accountant_id
    saihan = session_for(
        app, make_account(app, "reviewer", "saihan", authority=Authority.get(Authority.code == "150105"))
    )
    url = f"/console/accountant/correct/?id={person_id}"
    assert "更正证件号码" in saihan.get(f"/console/accountant/details/?id={person_id}").get_data(as_text=True)
    page = saihan.get(url).get_data(as_text=True)
    assert "150105********" in page and WRONG not in page  # the old number masked

    refused = saihan.post(url, data={"csrf_token": csrf_token(saihan, url), "id_number": RIGHT})
    assert refused.status_code == 200
    assert "请上传公安机关出具的证件号码变更证明" in refused.get_data(as_text=True)
    assert f'value="{RIGHT}"' in refused.get_data(as_text=True)

    done = saihan.post(
        url,
        data={
            "csrf_token": csrf_token(saihan, url),
            "id_number": RIGHT,
            "proof": (io.BytesIO(scans["scan"]), "证明.jpg"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "已更正 王影 的证件号码" in done.get_data(as_text=True)
    proof = Attachment.get(Attachment.slot == "id_correction")
    assert saihan.get(f"/files/{proof.id}").status_code == 200
    elsewhere = make_account(app, "reviewer", "kunqu", authority=Authority.get(Authority.code == "150203"))
    client = session_for(app, elsewhere)
    assert client.get(f"/files/{proof.id}").status_code == 404
    assert "不属于本机构管理" in client.get(url, follow_redirects=True).get_data(as_text=True)
