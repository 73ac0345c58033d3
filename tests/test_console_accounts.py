"""Staff accounts in the console: created with a one-time password, scoped by role, reset, unlocked."""

import re
from datetime import timedelta

import pytest

from console.infra import clock
from models import Account, AuditEntry, Authority, Unit
from tests.helpers import csrf_token, login, make_account, post_form


def new_account(client, **fields):
    data = {
        "username": "baotou",
        "display_name": "包头审核员",
        "role": "reviewer",
        "authority": "__None",
        "unit": "",
        "is_enabled": "y",
        **fields,
    }
    return post_form(client, "/console/account/new/", data)


def test_admin_creates_a_reviewer_who_must_change_the_shown_password(app, admin_client):
    baotou = Authority.get(Authority.name == "包头市财政局")
    response = new_account(admin_client, authority=str(baotou.id))
    assert response.status_code == 302
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    password = re.search(r"已创建账号 baotou，初始密码：(\S+?)（只显示这一次", page).group(1)
    account = Account.get(Account.username == "baotou")
    assert account.must_change_password and account.authority_id == baotou.id
    assert AuditEntry.select().where(AuditEntry.action == "account.create").count() == 1
    assert "password_hash" not in AuditEntry.get(AuditEntry.action == "account.create").detail

    reviewer = app.test_client()
    assert login(reviewer, "baotou", password=password).status_code == 302
    assert reviewer.get("/console/authority/").headers["Location"] == "/console/password"


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"authority": "__None"}, "审核人员和省级管理员须选择会计管理机构"),
        ({"authority": "abc"}, "不是有效的选择"),
        ({"role": "unit_head"}, "单位会计机构负责人须选择单位"),
        ({"role": "accountant"}, "不是有效的选择"),
        ({"username": "admin"}, "账号“admin”已被使用"),
        ({"username": ""}, "该字段是必填字段"),
        ({"role": ""}, "请选择角色"),
    ],
)
def test_bad_accounts_are_refused_and_nothing_is_stored(admin_client, fields, message):
    before = Account.select().count()
    response = new_account(admin_client, display_name="保留的姓名", **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert "保留的姓名" in page
    assert Account.select().count() == before


def test_unit_head_picks_the_unit_by_ajax_lookup(admin_client):
    saihan = Authority.get(Authority.name == "赛罕区财政局")
    unit = Unit.create(
        uscc="91150105MA0000001X", name="赛罕示范单位", region_code="150105", authority=saihan, created_at=clock.now()
    )
    found = admin_client.get("/console/account/ajax/lookup/", query_string={"name": "unit", "query": "9115"})
    assert found.get_json() == [[unit.id, "赛罕示范单位"]]
    by_name = admin_client.get("/console/account/ajax/lookup/", query_string={"name": "unit", "query": "示范"})
    assert by_name.get_json() == [[unit.id, "赛罕示范单位"]]
    assert new_account(admin_client, username="head", role="unit_head", unit=str(unit.id)).status_code == 302
    assert Account.get(Account.username == "head").unit_id == unit.id
    bad = new_account(admin_client, username="head2", role="unit_head", unit="999999")
    assert bad.status_code == 200 and not Account.select().where(Account.username == "head2").exists()


def test_the_list_shows_staff_only(app, admin_client):
    make_account(app, "accountant", "someone")
    make_account(app, "auditor", "checker")
    page = admin_client.get("/console/account/").get_data(as_text=True)
    assert "checker" in page and "someone" not in page


def test_admin_cannot_lock_themselves_out(admin_client):
    me = Account.get(Account.username == "admin")
    data = {
        "username": "admin",
        "display_name": "管理员",
        "role": "province_admin",
        "authority": str(me.authority_id),
        "unit": "",
    }
    page = post_form(admin_client, f"/console/account/edit/?id={me.id}", data).get_data(as_text=True)
    assert "不能停用自己的账号或改变自己的角色" in page
    assert Account.get_by_id(me.id).is_enabled


def test_reset_password_and_unlock(app, admin_client):
    locked = make_account(app, "reviewer", "locked", failed_logins=0, locked_until=clock.now() + timedelta(minutes=10))
    token = csrf_token(admin_client, "/console/account/")
    admin_client.post(
        "/console/account/action/", data={"csrf_token": token, "action": "unlock", "rowid": [str(locked.id)]}
    )
    assert Account.get_by_id(locked.id).locked_until is None

    response = admin_client.post(
        "/console/account/action/",
        data={"csrf_token": token, "action": "reset_password", "rowid": [str(locked.id)]},
        follow_redirects=True,
    )
    password = re.search(r"账号 locked 的新密码：(\S+?)（", response.get_data(as_text=True)).group(1)
    assert Account.get_by_id(locked.id).must_change_password
    assert login(app.test_client(), "locked", password=password).status_code == 302
    assert [e.action for e in AuditEntry.select().where(AuditEntry.action.startswith("account."))] == [
        "account.unlock",
        "account.reset_password",
    ]


def test_a_new_account_has_no_role_until_the_admin_chooses(admin_client):
    form = admin_client.get("/console/account/new/").get_data(as_text=True)
    roles = re.search(r'<select[^>]*name="role".*?</select>', form, re.S).group(0)
    assert re.search(r'name="role"[^>]*><option value="">请选择角色</option>', roles) and "selected" not in roles


def test_an_admin_at_a_city_keeps_the_staff_of_its_own_tree_only(app, client):
    baotou, hohhot = (Authority.get(Authority.name == name) for name in ("包头市财政局", "呼和浩特市财政局"))
    kundulun = Authority.get(Authority.name == "昆都仑区财政局")
    make_account(app, "province_admin", "cityadmin", authority=baotou)
    make_account(app, "reviewer", "hohhot_reviewer", authority=hohhot)
    make_account(app, "reviewer", "kundulun_reviewer", authority=kundulun)
    assert login(client, "cityadmin").status_code == 302

    listed = client.get("/console/account/").get_data(as_text=True)
    assert "kundulun_reviewer" in listed and "hohhot_reviewer" not in listed
    form = client.get("/console/account/new/").get_data(as_text=True)
    assert "昆都仑区财政局" in form and "呼和浩特市财政局" not in form and ">审计员<" not in form

    far_unit = Unit.create(
        uscc="91150105MA0000002X", name="赛罕单位", region_code="150105", authority=hohhot, created_at=clock.now()
    )
    assert client.get("/console/account/ajax/lookup/", query_string={"name": "unit", "query": "赛罕"}).get_json() == []
    for fields, message in (
        ({"authority": str(hohhot.id)}, "不是有效的选择"),
        ({"role": "auditor"}, "不是有效的选择"),
        ({"role": "unit_head", "unit": str(far_unit.id)}, "单位会计机构负责人须选择单位"),
    ):
        response = new_account(client, username="outside", **fields)
        assert response.status_code == 200 and message in response.get_data(as_text=True), fields
    hohhot_account = Account.get(Account.username == "hohhot_reviewer")
    assert client.get(f"/console/account/edit/?id={hohhot_account.id}").status_code in (302, 404)
    assert not Account.select().where(Account.username == "outside").exists()

    assert new_account(client, username="kundulun2", authority=str(kundulun.id)).status_code == 302
    assert Account.get(Account.username == "kundulun2").authority_id == kundulun.id
