"""已在他省建档 (E-2): who is archived in another province is told so at registration and refused at entry into the
archive, naming the province; the default check answers from the transfers made here and the national list the
province admin imports; another check plugs in by configuration."""

import io

import pytest

from console.archive import duplicates
from console.collection import lifecycle
from console.errors import RuleViolation
from console.infra import clock
from console.review import decisions
from models import Account, Accountant, ArchivedElsewhere, AuditEntry, Authority, Collection, Transfer
from tests.factories import submitted
from tests.helpers import csrf_token, make_account, resident_id, session_for
from tests.test_portal import APPLICANT, ID_NUMBER, register

LISTED = f"证件类型,证件号码,建档省份\n居民身份证,{ID_NUMBER},吉林省\n"


def import_list(client, content, filename="national.csv"):
    data = {"csrf_token": csrf_token(client, "/console/duplicates/")}
    if content is not None:
        data["file"] = (io.BytesIO(content.encode() if isinstance(content, str) else content), filename)
    return client.post("/console/duplicates/", data=data, content_type="multipart/form-data")


def moved(person, direction, province_code, province, status, at):
    return Transfer.create(
        direction=direction,
        status=status,
        accountant=person,
        authority=person.authority,
        id_type=person.id_type,
        id_number=person.id_number,
        name=person.name,
        province_code=province_code,
        province=province,
        requested_at=at,
        decided_at=at,
    )


def listed(number, code="22", province="吉林省"):
    ArchivedElsewhere.create(
        id_type="resident", id_number=number, province_code=code, province=province, imported_at=clock.now()
    )


def test_the_newest_transfer_decides_then_the_national_list(app, ctx):
    person = Accountant.create(
        id_number=ID_NUMBER,
        id_tail=ID_NUMBER[-4:],
        name="王影",
        phone="13912345678",
        authority=Authority.get(Authority.code == "150105"),
        created_at=clock.now(),
    )
    assert duplicates.archived_elsewhere("resident", ID_NUMBER) is None
    listed(ID_NUMBER, "21", "辽宁省")
    assert duplicates.archived_elsewhere("resident", ID_NUMBER) == "辽宁省"
    assert duplicates.archived_elsewhere("passport", ID_NUMBER) is None  # the ID type is part of the identity
    earlier = clock.now()
    moved(person, "in", "21", "辽宁省", "imported", earlier)  # it came here from 辽宁: here now
    assert duplicates.archived_elsewhere("resident", ID_NUMBER) is None
    moved(person, "out", "22", "吉林省", "submitted", clock.now())  # asked, not confirmed: still here
    assert duplicates.archived_elsewhere("resident", ID_NUMBER) is None
    moved(person, "out", "22", "吉林省", "approved", clock.now())
    assert duplicates.archived_elsewhere("resident", ID_NUMBER) == "吉林省"
    with pytest.raises(
        RuleViolation, match="您已在吉林省建立会计人员档案，不能在本省重复建档；请向吉林省的会计管理机构申请档案调出"
    ):
        duplicates.check_not_elsewhere("resident", ID_NUMBER, field="id_number")


def test_this_provinces_own_name_is_never_elsewhere(app, ctx):
    listed(ID_NUMBER, "15", "内蒙古自治区")
    assert duplicates.archived_elsewhere("resident", ID_NUMBER) is None


def test_registration_tells_the_person_to_transfer(app, client, ctx):
    listed(ID_NUMBER)
    page = register(client).get_data(as_text=True)
    assert "您已在吉林省建立会计人员档案，不能在本省重复建档" in page and APPLICANT["name"] in page
    assert Accountant.select().count() == 0


def test_the_archive_refuses_someone_archived_elsewhere_at_approval(app, scans):
    with app.test_request_context():
        collection = submitted(app, scans)
        listed(collection.accountant.id_number)
    reviewer = make_account(app, "reviewer", "kdl", authority=collection.authority)
    client = session_for(app, reviewer)
    url = f"/console/review/{collection.id}"
    client.get(url)
    response = client.post(f"{url}/approve", data={"csrf_token": csrf_token(client, url)}, follow_redirects=True)
    assert "该人员已在吉林省建立会计人员档案，不能重复入库；请退回并告知其办理档案调转" in response.get_data(
        as_text=True
    )
    assert Collection.get_by_id(collection.id).status == "submitted"
    assert Accountant.get_by_id(collection.accountant_id).archive_state == "pending"


def test_a_change_of_someone_archived_here_is_not_asked(app, scans):
    profile = app.extensions["profile"]
    with app.test_request_context():
        collection = submitted(app, scans)
        decisions.approve(collection, None, profile)
        listed(collection.accountant.id_number)  # the national list names her: it counts before she is here only
        person = Accountant.get_by_id(collection.accountant_id)
        change = lifecycle.open_change(person)
        change.commitment_at = clock.now()
        change.save()
        account = Account.get(Account.accountant == person)
        decisions.approve(lifecycle.submit(change, account, profile), None, profile)
        assert Collection.get_by_id(change.id).status == "approved"


class Everywhere:
    """A national service that finds everyone in 广东."""

    def __init__(self, config):
        self.config = config

    def archived_elsewhere(self, id_type, id_number):
        return "广东省"


@pytest.fixture
def app_overrides(request):
    return {"DUPLICATE_CHECK": "tests.test_duplicates:Everywhere"} if "plugged" in request.node.name else {}


def test_a_plugged_in_check_answers(app, ctx):
    assert isinstance(duplicates.checker(), Everywhere)
    assert duplicates.archived_elsewhere("resident", resident_id(serial=5)) == "广东省"


def test_the_province_admin_imports_the_national_list(app, admin_client):
    page = admin_client.get("/console/duplicates/").get_data(as_text=True)
    assert "名单现有 0 人" in page
    other = resident_id("220102", "19850101", 13)
    content = (
        LISTED + f"resident,{other},22\npassport,E12345678,广东省\n居民身份证,{resident_id(serial=9)},内蒙古自治区\n"
    )
    response = import_list(admin_client, content)
    assert response.status_code == 302
    assert {(r.id_type, r.id_number, r.province) for r in ArchivedElsewhere.select()} == {
        ("resident", ID_NUMBER, "吉林省"),
        ("resident", other, "吉林省"),
        ("passport", "E12345678", "广东省"),
    }
    assert "导入 3 条，本省（未导入） 1 条" in admin_client.get("/console/duplicates/").get_data(as_text=True)
    assert import_list(admin_client, LISTED).status_code == 302  # the next list replaces it
    assert ArchivedElsewhere.select().count() == 1
    assert AuditEntry.select().where(AuditEntry.action == "duplicates.import").count() == 2


@pytest.mark.parametrize(
    "content, filename, messages",
    [
        (None, "", ["请选择要导入的 CSV 文件"]),
        ("id,number\n1,2\n", "national.csv", ["第一行应为表头：证件类型、证件号码、建档省份"]),
        (LISTED, "national.txt", ["请上传 CSV 或 XLSX 文件"]),
        ("证件类型,证件号码,建档省份\n", "national.csv", ["文件中没有数据行"]),
        (
            "证件类型,证件号码,建档省份\n驾驶证,123,吉林省\n居民身份证,150105199003071230,火星\n"
            + LISTED.split("\n")[1]
            + "\n"
            + LISTED.split("\n")[1]
            + "\n",
            "national.csv",
            [
                "文件有 4 处错误",
                "证件类型：应为",
                "证件号码：身份证号码校验位不正确",
                "省份：应为省级行政区",
                "证件号码：与第 4 行重复",
            ],
        ),
    ],
)
def test_a_bad_list_is_refused_whole(app, admin_client, content, filename, messages):
    with app.app_context():
        listed(resident_id(serial=7))
    response = import_list(admin_client, content, filename)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in messages:
        assert message in page
    assert [r.id_number for r in ArchivedElsewhere.select()] == [resident_id(serial=7)]


def test_only_the_province_admin_at_the_province_keeps_the_list(app):
    city = make_account(app, "province_admin", "baotou-admin", authority=Authority.get(Authority.code == "1502"))
    for account in (city, make_account(app, "reviewer", "r"), make_account(app, "auditor", "a")):
        client = session_for(app, account)
        assert client.get("/console/duplicates/").status_code == 403
        posted = client.post("/console/duplicates/", data={"file": (io.BytesIO(LISTED.encode()), "national.csv")})
        assert posted.status_code in (400, 403)  # no page gave it a CSRF token, and no role may
    assert ArchivedElsewhere.select().count() == 0
