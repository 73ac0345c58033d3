"""档案调转: a person's archive leaves one province as a signed package and enters another (two databases of this
product, 内蒙古 and 吉林, one person moved end to end), and the rules of each side: who may ask, confirm, download
and import; a package changed, of an unknown version, or of someone archived here is refused whole."""

import hashlib
import hmac
import io
import json
import uuid
import zipfile
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

import pytest

from console import create_app, migrations
from console.archive import transfers
from console.collection import answers, attachments, lifecycle
from console.errors import RuleViolation
from console.infra import captcha, clock, storage
from console.org import authorities
from console.review import decisions
from models import (
    Account,
    Accountant,
    Attachment,
    AuditEntry,
    Authority,
    Collection,
    CreditRecord,
    EducationCredit,
    OutboxMessage,
    PostSection,
    Transfer,
    Unit,
    WorkPeriod,
    db,
)
from tests.conftest import forget_kept_figures
from tests.factories import scan_for, submitted
from tests.helpers import CAPTCHA_TEXT, csrf_token, make_account, post_form, resident_id, session_for
from tests.test_portal import get_code
from tools.fake import unit_code

KEY = "provinces-agreed-key-for-tests"
NUMBER = resident_id("150105", "19900307", 124)  # the person factories.submitted makes
REASON = "随配偶调往长春工作"


def archived(app, scans):
    """王影, archived in Inner Mongolia as the product puts people there (submitted, approved), with a year of
    continuing-education credits and a confirmed credit record."""
    collection = submitted(app, scans)
    decisions.approve(collection, None, app.extensions["profile"])
    person = Accountant.get_by_id(collection.accountant_id)
    EducationCredit.create(
        accountant=person,
        year=2025,
        credits=Decimal("90"),
        professional_credits=Decimal("60.5"),
        provider="内蒙古会计学会",
        imported_at=clock.now(),
    )
    bureau = Account.create(
        username=f"record-{person.id}",
        password_hash="x",
        role="reviewer",
        authority=person.authority,
        created_at=clock.now(),
    )
    CreditRecord.create(
        accountant=person,
        kind="trust",
        source="bureau",
        status="confirmed",
        occurred_on=date(2025, 5, 1),
        description="获评诚信会计",
        entered_by=bureau,
        entered_at=clock.now(),
        confirmed_by=bureau,
        confirmed_at=clock.now(),
    )
    return person


def ask(client, province="22", reason=REASON):
    return post_form(client, "/portal/transfer/", {"province": province, "reason": reason})


def package_of(zip_bytes):
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as package:
        return {name: package.read(name) for name in package.namelist()}


def zipped(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, content in members.items():
            package.writestr(name, content)
    return out.getvalue()


def signed(document, files, key=KEY):
    """A package as a province holding `key` makes it."""
    content = json.dumps(document, ensure_ascii=False).encode()
    signature = hmac.new(key.encode(), content, hashlib.sha256).hexdigest()
    return zipped({"transfer.json": content, "transfer.sig": signature, **files})


def crafted(scans, number=None, to="22", version=1, **person):
    """A package of format version 1 as docs/transfer-format.md describes it, from 内蒙古 to `to`."""
    photo = scans["photo"]
    path = f"files/{hashlib.sha256(photo).hexdigest()}.jpg"
    document = {
        "format": "accountant-transfer",
        "version": version,
        "transfer_id": str(uuid.uuid4()),
        "created_at": "2026-12-01T02:00:00Z",
        "from": {
            "province_code": "15",
            "province": "内蒙古自治区",
            "authority": "昆都仑区财政局",
            "authority_phones": [],
        },
        "to": {"province_code": to, "province": "吉林省"},
        "reason": REASON,
        "person": {
            "id_type": "resident",
            "id_number": number or resident_id("150105", "19900307", 131),
            "name": "赵调",
            "gender": "male",
            "birth_date": "1990-03-07",
            "phone": "13912345001",
            "email": "",
            "archived_at": "2025-01-02T03:04:05Z",
            **person,
        },
        "sections": {
            "personal": {"ethnicity": "汉族", "nationality": "中国", "political_status": "群众"},
            "full_time": {"level": "本科", "degree": "学士", "major": "会计学", "school": "内蒙古财经大学"},
            "part_time": None,
            "qualification": {"level": "初级", "kind": "会计类", "cpa": False},
        },
        "continuing_education": [{"year": 2025, "credits": "90", "professional_credits": "60", "provider": "学会"}],
        "credit_records": [],
        "files": [
            {
                "path": path,
                "owner": "collection",
                "slot": "photo",
                "sha256": hashlib.sha256(photo).hexdigest(),
                "size": len(photo),
                "content_type": "image/jpeg",
            }
        ],
    }
    return document, {path: photo}


def nothing_written():
    return (
        Accountant.select().count(),
        Collection.select().count(),
        Transfer.select().count(),
        Attachment.select().count(),
        EducationCredit.select().count(),
    )


# 调出 -------------------------------------------------------------------------------------------------------


@pytest.fixture
def app_overrides():
    return {"TRANSFER_SIGNING_KEY": KEY}


@pytest.fixture
def leaving(app, scans):
    """王影 archived at 昆都仑区, signed in on the portal; the reviewer of her bureau; her request to go to 吉林."""
    with app.test_request_context():
        person = archived(app, scans)
    bureau = make_account(app, "reviewer", "kdl", authority=person.authority)
    client = session_for(app, Account.get(Account.accountant == person))
    assert ask(client).status_code == 302
    return person, client, bureau, Transfer.get()


def test_the_bureau_confirms_and_the_archive_leaves_with_its_package(app, scans, leaving):
    person, client, bureau, transfer = leaving
    assert "待确认" in client.get("/portal/transfer/").get_data(as_text=True)
    console = session_for(app, bureau)
    assert "王影" in console.get("/console/transfer/").get_data(as_text=True)
    assert (
        post_form(
            console, f"/console/transfer/{transfer.id}/approve", {}, f"/console/transfer/{transfer.id}"
        ).status_code
        == 302
    )
    assert Accountant.get_by_id(person.id).archive_state == "transferred"
    assert WorkPeriod.select().where(WorkPeriod.accountant == person, WorkPeriod.ended_on.is_null()).count() == 0
    assert OutboxMessage.select().where(OutboxMessage.body.contains("调出申请已确认，档案已调出至吉林省")).count() == 1
    page = console.get(f"/console/transfer/{transfer.id}").get_data(as_text=True)
    assert "已调出" in page and "下载调转数据包" in page and 'id="approve"' not in page
    download = console.get(f"/console/transfer/{transfer.id}/package")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert AuditEntry.select().where(AuditEntry.action == "transfer.download").count() == 1
    members = package_of(download.data)
    document = json.loads(members["transfer.json"])
    assert members["transfer.sig"].decode() == hmac.new(KEY.encode(), members["transfer.json"], "sha256").hexdigest()
    assert (document["format"], document["version"], document["to"]["province"]) == ("accountant-transfer", 1, "吉林省")
    assert document["person"]["id_number"] == NUMBER and document["from"]["province_code"] == "15"
    assert document["sections"]["full_time"]["school"] == "内蒙古财经大学"
    assert document["continuing_education"] == [
        {"year": 2025, "credits": "90.0", "professional_credits": "60.5", "provider": "内蒙古会计学会", "proof": None}
    ]
    assert document["credit_records"][0]["description"] == "获评诚信会计"
    slots = {entry["slot"] for entry in document["files"]}
    assert slots == {"photo", "id_front", "id_back", "diploma", "degree"}  # the post's 证明函 stays
    for entry in document["files"]:
        assert hashlib.sha256(members[entry["path"]]).hexdigest() == entry["sha256"]


def test_the_work_history_and_the_post_are_not_carried(app, scans, leaving):
    person, _, bureau, transfer = leaving
    with app.test_request_context():
        transfers.approve_out(transfer, bureau, app.extensions["profile"])
        text = package_of(storage.read(Transfer.get_by_id(transfer.id).storage_name))["transfer.json"].decode()
    assert WorkPeriod.select().where(WorkPeriod.accountant == person).count() == 1  # it has one, kept here
    for word in ("post", "work_started_on", "unit", "started_on", "work_period", "on_duty", "letter"):
        assert f'"{word}' not in text


def test_the_package_is_kept_by_the_sweep_of_orphan_files(app, scans, leaving):
    _, _, bureau, transfer = leaving
    with app.test_request_context():
        transfers.approve_out(transfer, bureau, app.extensions["profile"])
        kept = Transfer.get_by_id(transfer.id).storage_name
        stray = storage.save(b"PK", ".zip")  # a package no row points to (a confirmation that failed)
        attachments.sweep_orphans(clock.now() + timedelta(days=2))
        assert storage.exists(kept) and not storage.exists(stray)
        assert kept in storage.names()  # and a backup copies it


def test_the_transferred_person_signs_in_and_reads_but_opens_nothing(app, scans, leaving):
    person, client, bureau, transfer = leaving
    with app.test_request_context():
        transfers.approve_out(transfer, bureau, app.extensions["profile"])
    home = client.get("/portal/")
    assert home.status_code == 200 and "您的会计人员档案已调出" in home.get_data(as_text=True)
    change = post_form(client, "/portal/collection/change", {}, "/portal/")
    assert change.status_code == 302 and Collection.select().where(Collection.kind == "change").count() == 0
    assert "已调出至其他省份" in client.get("/portal/", follow_redirects=True).get_data(as_text=True)
    assert client.get("/portal/collection/personal").status_code == 302  # back home, told why
    with app.test_request_context(), pytest.raises(RuleViolation, match="已调出至其他省份"):
        lifecycle.open_change(Accountant.get_by_id(person.id))
    assert "不能再次调出" in ask(client).get_data(as_text=True)


def test_a_return_needs_a_reason_and_the_person_may_ask_again(app, scans, leaving):
    person, client, bureau, transfer = leaving
    console = session_for(app, bureau)
    url = f"/console/transfer/{transfer.id}"
    refused = post_form(console, f"{url}/return", {"note": "  "}, url)
    assert refused.status_code == 422 and "请填写退回原因" in refused.get_data(as_text=True)
    assert Transfer.get_by_id(transfer.id).status == "submitted"
    assert post_form(console, f"{url}/return", {"note": "请先办结继续教育"}, url).status_code == 302
    page = client.get("/portal/transfer/").get_data(as_text=True)
    assert "已退回" in page and "请先办结继续教育" in page
    assert ask(client).status_code == 302 and Transfer.select().count() == 2


def test_only_the_persons_bureau_confirms(app, scans, leaving):
    person, _, _, transfer = leaving
    other = make_account(app, "reviewer", "saihan", authority=Authority.get(Authority.code == "150105"))
    city = make_account(app, "reviewer", "baotou", authority=Authority.get(Authority.code == "1502"))
    admin = make_account(app, "province_admin", "admin")
    url = f"/console/transfer/{transfer.id}"
    assert session_for(app, other).get(url).status_code == 404  # not even read
    assert session_for(app, city).get(url).status_code == 200  # the city reads its county's
    for account in (city, admin):
        assert post_form(session_for(app, account), f"{url}/approve", {}, "/console/transfer/").status_code == 403
    with app.test_request_context(), pytest.raises(RuleViolation, match="不属于本机构确认"):
        transfers.approve_out(transfer, city, app.extensions["profile"])
    accountant = session_for(app, Account.get(Account.accountant == person))
    assert accountant.get("/console/transfer/").status_code == 403
    assert session_for(app, other).get(f"{url}/package").status_code == 404
    assert Transfer.get_by_id(transfer.id).status == "submitted"
    assert Accountant.get_by_id(person.id).archive_state == "archived"


def test_a_change_under_way_holds_the_confirmation(app, scans, leaving):
    person, _, bureau, transfer = leaving
    with app.test_request_context():
        lifecycle.open_change(Accountant.get_by_id(person.id))
        with pytest.raises(RuleViolation, match="该人员的信息变更正在办理中"):
            transfers.approve_out(transfer, bureau, app.extensions["profile"])
    assert Transfer.get_by_id(transfer.id).status == "submitted"
    assert Accountant.get_by_id(person.id).archive_state == "archived"


@pytest.mark.parametrize(
    "going_to, reason, message",
    [
        ("", REASON, "请选择调入的省份"),
        ("99", REASON, "请选择调入的省份"),
        ("15", REASON, "调入省份不能是本省"),
        ("22", "   ", "请填写调出原因"),
        ("22", "长" * 501, "请填写调出原因，不超过 500 字"),
    ],
)
def test_bad_requests_are_refused_keeping_what_was_typed(app, scans, going_to, reason, message):
    with app.test_request_context():
        person = archived(app, scans)
    client = session_for(app, Account.get(Account.accountant == person))
    response = ask(client, going_to, reason)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert reason.strip()[:10] in page
    assert Transfer.select().count() == 0


def test_only_an_archived_person_asks_and_only_once(app, scans, leaving):
    _, client, _, _ = leaving
    assert "正在等待会计管理机构确认，请勿重复申请" in ask(client).get_data(as_text=True)
    with app.test_request_context():
        newcomer = submitted(app, scans, name="钱新", serial=125, phone="13912345679")
    pending = session_for(app, Account.get(Account.accountant == newcomer.accountant_id))
    refused = ask(pending)
    assert refused.status_code == 422 and "只有在库的会计人员可以调出" in refused.get_data(as_text=True)
    assert Transfer.select().count() == 1


# 调入 -------------------------------------------------------------------------------------------------------

JILIN = pytest.mark.parametrize("province", ["jilin"])


def upload(client, content, filename="transfer.zip"):
    token = csrf_token(client, "/console/transfer/import")
    data = {"csrf_token": token}
    if content is not None:
        data["file"] = (io.BytesIO(content), filename)
    return client.post("/console/transfer/import", data=data, content_type="multipart/form-data")


@pytest.fixture
def changchun(app):
    return make_account(app, "reviewer", "changchun", authority=Authority.get(Authority.code == "2201"))


@JILIN
def test_a_package_makes_the_person_and_a_prefilled_draft(app, scans, changchun):
    document, files = crafted(scans)
    client = session_for(app, changchun)
    response = upload(client, signed(document, files))
    assert response.status_code == 302, response.get_data(as_text=True)
    person = Accountant.get(Accountant.id_number == document["person"]["id_number"])
    assert (person.name, person.archive_state, person.authority_id) == ("赵调", "pending", changchun.authority_id)
    draft = Collection.get(Collection.accountant == person)
    assert (draft.kind, draft.status) == ("transfer", "draft")
    assert draft.personalsection_set.get().ethnicity == "汉族" and draft.educations.get().school == "内蒙古财经大学"
    assert [a.slot for a in draft.attachments] == ["photo"]
    assert EducationCredit.get(EducationCredit.accountant == person).credits == Decimal("90")
    assert OutboxMessage.select().where(OutboxMessage.body.contains("已由内蒙古自治区调入")).count() == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已调入" in page and "等待本人登录核对并提交" in page


def refused(client, content, message, filename="transfer.zip"):
    before = nothing_written()
    response = upload(client, content, filename)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page, page
    assert nothing_written() == before


@JILIN
def test_a_changed_package_is_refused_whole(app, scans, changchun):
    client = session_for(app, changchun)
    document, files = crafted(scans)
    members = package_of(signed(document, files))
    members["transfer.json"] = members["transfer.json"].replace("赵调".encode(), "钱改".encode())
    refused(client, zipped(members), "数据包签名校验未通过")
    members = package_of(signed(document, files))
    members[document["files"][0]["path"]] = scans["scan"]  # another scan where the photo was
    refused(client, zipped(members), "与清单不符")
    refused(client, signed(document, files, key="another-provinces-key"), "签名密钥与本省配置的不一致")
    with app.app_context():
        assert Transfer.select().count() == 0 and not [n for n in storage.names() if n.endswith(".zip")]


@JILIN
def test_an_unknown_version_is_refused(app, scans, changchun):
    document, files = crafted(scans, version=2)
    refused(session_for(app, changchun), signed(document, files), "数据包格式版本“2”不受支持：本系统读取第 1 版")


@JILIN
def test_someone_archived_here_is_refused(app, scans, changchun):
    document, files = crafted(scans)
    person = Accountant.create(
        id_number=document["person"]["id_number"],
        id_tail="0000",
        name="赵调",
        phone="13912345002",
        authority=changchun.authority,
        archive_state="archived",
        created_at=clock.now(),
    )
    refused(session_for(app, changchun), signed(document, files), "该人员已在本省会计人员档案中（在库），不能调入")
    Accountant.update(archive_state="pending").where(Accountant.id == person.id).execute()
    Collection.create(accountant=person, authority=person.authority, created_at=clock.now(), updated_at=clock.now())
    refused(session_for(app, changchun), signed(document, files), "该人员已在本省开始信息采集")


@JILIN
def test_a_package_for_another_province_or_imported_twice_is_refused(app, scans, changchun):
    client = session_for(app, changchun)
    document, files = crafted(scans, to="21")
    refused(client, signed(document, files), "该数据包是调往辽宁省的，不能在本省导入")
    document, files = crafted(scans)
    assert upload(client, signed(document, files)).status_code == 302
    refused(client, signed(document, files), "该数据包已导入过，不能重复导入")


@JILIN
@pytest.mark.parametrize(
    "content, filename, message",
    [
        (None, "", "请选择调出省份导出的调转数据包"),
        (b"", "transfer.zip", "上传的文件是空的"),
        (b"not a zip at all", "transfer.zip", "不是有效的调转数据包"),
        (zipped({"readme.txt": b"hello"}), "transfer.zip", "数据包中缺少 transfer.json 或 transfer.sig"),
    ],
)
def test_bad_uploads_are_refused_in_chinese(app, changchun, content, filename, message):
    refused(session_for(app, changchun), content, message, filename)


@JILIN
def test_bad_content_under_a_good_signature_is_refused(app, scans, changchun):
    client = session_for(app, changchun)
    for change, message in (
        ({"id_number": "220102199003071234"}, "数据包中的证件号码有误"),
        ({"gender": "unknown"}, "person.gender 的值“unknown”不是本系统的选项"),
        ({"birth_date": "1990-13-40"}, "person.birth_date 的值不符合格式"),
        ({"phone": None}, "缺少 person.phone"),
    ):
        document, files = crafted(scans, **change)
        refused(client, signed(document, files), message)
    for change, message in (
        ({"credits": "1e9"}, "continuing_education[0].credits 的值不符合格式"),
        ({"credits": "NaN"}, "continuing_education[0].credits 的值不符合格式"),
        ({"year": "2025"}, "continuing_education[0].year 的值不符合格式"),
        ({"provider": ["学会"]}, "continuing_education[0].provider 的值不符合格式"),
        ({"provider": "长" * 300}, "continuing_education[0].provider 的值不符合格式"),
    ):
        document, files = crafted(scans)
        document["continuing_education"][0].update(change)
        refused(client, signed(document, files), message)
    document, files = crafted(scans)
    document["from"]["province_code"] = "99"
    refused(client, signed(document, files), "调出省份代码无效")
    document, files = crafted(scans)
    document["files"][0]["slot"] = "../../etc"
    refused(client, signed(document, files), "的用途无法识别")
    document, files = crafted(scans)
    document["files"].append(document["files"][0])
    refused(client, signed(document, files), "1 寸免冠白底证件照 重复")
    document, files = crafted(scans)
    document.pop("sections")
    refused(client, signed(document, files), "数据包内容不完整：缺少 sections")


@JILIN
def test_who_may_import(app, scans, changchun):
    document, files = crafted(scans)
    accountant = make_account(app, "accountant", "zhao")
    for role in ("accountant", "unit_head", "auditor"):
        account = accountant if role == "accountant" else make_account(app, role, f"x-{role}")
        assert session_for(app, account).get("/console/transfer/import").status_code == 403
    with app.test_request_context(), pytest.raises(RuleViolation, match="只有会计管理机构可以导入调转数据包"):
        transfers.receive(signed(document, files), accountant, app.extensions["profile"])
    admin = make_account(app, "province_admin", "admin")
    assert upload(session_for(app, admin), signed(document, files)).status_code == 302
    arrived = Accountant.get(Accountant.id_number == document["person"]["id_number"])
    assert arrived.authority.code == "22"  # the province admin's own bureau


@JILIN
def test_registration_finds_the_archive_that_arrived(app, scans, changchun, client, monkeypatch):
    document, files = crafted(scans)
    upload(session_for(app, changchun), signed(document, files))
    number = document["person"]["id_number"]
    form = {
        "name": "赵调",
        "id_type": "resident",
        "id_number": number,
        "phone": "13912345001",
        "username": "zhaodiao",
        "password": "Grass#land2026",
        "confirm": "Grass#land2026",
    }
    code = get_code(client, "/portal/register", form["phone"], form)
    wrong_name = post_form(client, "/portal/register", {**form, "sms_code": code, "name": "赵别人"})
    assert "姓名与调入的会计人员档案不一致" in wrong_name.get_data(as_text=True)
    assert not Account.select().where(Account.username == "zhaodiao").exists()
    later = clock.now() + timedelta(minutes=2)  # a code is good for one try; the next may be sent a minute on
    monkeypatch.setattr(clock, "now", lambda: later)
    code = get_code(client, "/portal/register", form["phone"], form)
    assert post_form(client, "/portal/register", {**form, "sms_code": code}).status_code == 302
    person = Accountant.get(Accountant.id_number == number)
    assert Account.get(Account.accountant == person).username == "zhaodiao"
    assert Accountant.select().where(Accountant.id_number == number).count() == 1


# Two provinces, one person ---------------------------------------------------------------------------------


def use(app, databases):
    """The models' one handle pointed at this province's database (a client's requests then work in it)."""
    db.initialize(databases[app.config["PROVINCE"]])
    forget_kept_figures()


@contextmanager
def working_in(app, databases):
    """Domain calls on this province's database, in a request of its app."""
    use(app, databases)
    with app.test_request_context(), db.connection_context():
        yield


def province_app(province, tmp_path, databases):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / province}.db",
            "SECRET_KEY": f"{province}-secret",
            "TRANSFER_SIGNING_KEY": KEY,  # agreed between the two provinces
            "PROVINCE": province,
            "STORAGE_DIR": str(tmp_path / f"{province}-storage"),
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "SESSION_COOKIE_SECURE": False,
            "RATELIMIT_ENABLED": False,
            "JOBS_IMMEDIATE": True,
            "JOBS_DB": str(tmp_path / f"{province}-jobs.db"),
        }
    )
    databases[province] = db.obj
    with working_in(app, databases):
        migrations.upgrade()
        authorities.load_authorities(app.extensions["profile"])
    return app


def fill_the_post_as_the_person_does(app, collection, scans):
    """The part the package does not carry: the unit and post in 吉林 (a unit of 长春 南关区), its work proof and
    what else 吉林 asks (材料真实性承诺书)."""
    code = unit_code("220102")
    unit = Unit.create(
        uscc=code,
        name="长春示范单位",
        region_code="220102",
        authority=Authority.get(Authority.code == "2201"),
        created_at=clock.now(),
    )
    PostSection.create(
        collection=collection,
        has_unit=True,
        unit_uscc=code,
        unit=unit,
        on_duty=True,
        post="会计",
        tech_post="无职务",
        work_started_on=date(2012, 8, 1),
        work_region_code="2201",
    )
    profile = app.extensions["profile"]
    for slot in lifecycle.required_slots(profile, answers.read(collection)):
        if not Attachment.select().where(Attachment.collection == collection, Attachment.slot == slot).exists():
            attachments.attach(collection, slot, scan_for(collection, slot, scans), profile, None)


@pytest.mark.committing
def test_one_person_moves_from_inner_mongolia_to_jilin(tmp_path, scans, monkeypatch):
    monkeypatch.setattr(captcha, "new_text", lambda: CAPTCHA_TEXT)
    databases = {}
    try:
        neimenggu = province_app("neimenggu", tmp_path, databases)
        jilin = province_app("jilin", tmp_path, databases)

        # 调出 in 内蒙古: asked on the portal, confirmed by her bureau, the package downloaded
        with working_in(neimenggu, databases):
            person = archived(neimenggu, scans)
            account = Account.get(Account.accountant == person)
        use(neimenggu, databases)
        bureau = make_account(neimenggu, "reviewer", "kdl", authority=person.authority)
        assert ask(session_for(neimenggu, account)).status_code == 302
        transfer = Transfer.get()
        console = session_for(neimenggu, bureau)
        url = f"/console/transfer/{transfer.id}"
        assert post_form(console, f"{url}/approve", {}, url).status_code == 302
        package = console.get(f"{url}/package").data

        # 调入 in 吉林: the bureau of 长春 uploads it; the person registers and finds the draft
        use(jilin, databases)
        changchun = make_account(jilin, "reviewer", "changchun", authority=Authority.get(Authority.code == "2201"))
        arrived = upload(session_for(jilin, changchun), package)
        assert arrived.status_code == 302, arrived.get_data(as_text=True)
        arrival = Accountant.get(Accountant.id_number == NUMBER)
        assert (arrival.name, arrival.archive_state, WorkPeriod.select().count()) == ("王影", "pending", 0)
        client = jilin.test_client()
        form = {
            "name": "王影",
            "id_type": "resident",
            "id_number": NUMBER,
            "phone": arrival.phone,
            "username": "wangying",
            "password": "Grass#land2026",
            "confirm": "Grass#land2026",
        }
        code = get_code(client, "/portal/register", form["phone"], form)
        assert post_form(client, "/portal/register", {**form, "sms_code": code}).status_code == 302
        mine = session_for(jilin, Account.get(Account.username == "wangying"))
        assert "继续填写信息采集" in mine.get("/portal/").get_data(as_text=True)

        # she completes what the package does not carry, and submits
        with working_in(jilin, databases):
            draft = lifecycle.latest_of(Accountant.get_by_id(arrival.id))
            assert (draft.kind, draft.personalsection_set.get().phone) == ("transfer", arrival.phone)
            fill_the_post_as_the_person_does(jilin, draft, scans)
        use(jilin, databases)
        submit = post_form(mine, "/portal/collection/submit", {"confirm": "y"}, "/portal/collection/preview")
        assert submit.status_code == 302
        with working_in(jilin, databases):
            draft = Collection.get_by_id(draft.id)
            assert draft.status == "submitted", lifecycle.missing(draft, jilin.extensions["profile"])

        # 吉林's reviewer sees it against the package, and approves
        use(jilin, databases)
        reviewer = session_for(jilin, changchun)
        page = reviewer.get(f"/console/review/{draft.id}").get_data(as_text=True)
        diff = page[page.index("档案调入：与调转数据包相比") : page.index("</table>", page.index("review-diff"))]
        assert "开始从事会计工作时间" in diff and unit_code("220102") in diff  # what she added in 吉林
        assert "王影" not in diff and "内蒙古财经大学" not in diff  # what the package held, unchanged
        approve = post_form(reviewer, f"/console/review/{draft.id}/approve", {}, f"/console/review/{draft.id}")
        assert approve.status_code == 302
        assert Accountant.get_by_id(arrival.id).archive_state == "archived"
        assert Collection.get_by_id(draft.id).status == "approved"

        use(neimenggu, databases)
        assert Accountant.get(Accountant.id_number == NUMBER).archive_state == "transferred"
    finally:
        for database in databases.values():
            database.close_all()
