"""Sessions kept on the server: a copied cookie opens nothing once its session ended, whether by signing
out, a password change or reset, the account's disabling, an admin's 结束全部会话, or its twelve hours."""

from datetime import timedelta

import pytest

from console.infra import clock
from console.people import sessions
from models import Account, AccountSession, AuditEntry
from tests.helpers import PASSWORD, csrf_token, login, make_account, post_form
from tests.test_portal import APPLICANT, ID_NUMBER, get_code, portal_login, register


def copy_of(app, client):
    """A second browser holding a copy of the client's cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


@pytest.fixture
def signed_in(reviewer_client):
    return reviewer_client


def test_a_cookie_copied_before_sign_out_opens_nothing_after_it(app, signed_in):
    thief = copy_of(app, signed_in)
    assert thief.get("/console/review/").status_code == 200  # the copy works while the session is open
    signed_in.post("/console/logout", data={"csrf_token": csrf_token(signed_in, "/console/")})
    assert thief.get("/console/review/").status_code == 302
    assert AccountSession.get().ended_why == "退出登录"


def test_a_password_change_ends_every_other_session_and_keeps_the_changers(app, signed_in):
    thief = copy_of(app, signed_in)
    response = post_form(
        signed_in, "/console/password", {"current": PASSWORD, "new": "Another#Pass2026", "confirm": "Another#Pass2026"}
    )
    assert response.status_code == 302
    assert thief.get("/console/review/").status_code == 302
    assert signed_in.get("/console/review/").status_code == 200


def test_disabling_an_account_ends_its_sessions_on_the_server(app, signed_in):
    admin = app.test_client()
    make_account(app, "province_admin", "admin")
    login(admin, "admin")
    reviewer = Account.get(Account.username == "reviewer")
    response = post_form(
        admin,
        f"/console/account/edit/?id={reviewer.id}",
        {"username": "reviewer", "display_name": "测试", "role": "reviewer", "authority": str(reviewer.authority_id)},
    )
    assert response.status_code == 302 and not Account.get_by_id(reviewer.id).is_enabled
    assert AccountSession.get(AccountSession.account == reviewer).ended_why == "停用账号"
    Account.update(is_enabled=True).where(Account.id == reviewer.id).execute()
    assert signed_in.get("/console/review/").status_code == 302  # enabled again, the old session stays ended


def test_an_admin_ends_all_sessions_of_an_account(app, signed_in):
    second = app.test_client()
    login(second, "reviewer")
    admin = app.test_client()
    make_account(app, "province_admin", "admin")
    login(admin, "admin")
    reviewer = Account.get(Account.username == "reviewer")
    response = post_form(
        admin, "/console/account/action/", {"action": "end_sessions", "rowid": str(reviewer.id)}, "/console/account/"
    )
    assert "已结束账号 reviewer 的 2 个登录会话" in admin.get(response.headers["Location"]).get_data(as_text=True)
    assert signed_in.get("/console/review/").status_code == 302 and second.get("/console/review/").status_code == 302
    assert AuditEntry.select().where(AuditEntry.action == "session.end_all").count() == 1


def test_a_session_ends_after_twelve_hours_however_active(app, signed_in, monkeypatch):
    opened = clock.now()
    for minutes in range(25, 12 * 60, 25):  # active every 25 minutes: the idle rule never fires
        monkeypatch.setattr(clock, "now", lambda m=minutes: opened + timedelta(minutes=m))
        assert signed_in.get("/console/review/").status_code == 200
    monkeypatch.setattr(clock, "now", lambda: opened + sessions.MAX_AGE)
    assert signed_in.get("/console/review/").status_code == 302


def test_a_session_cookie_without_its_server_session_opens_nothing(app, client):
    account = make_account(app, "reviewer", "reviewer")
    with client.session_transaction() as session:  # a cookie forged with the secret key but no session row
        session.update({"_user_id": str(account.id), "token": "made-up", "last_seen": clock.now().timestamp()})
    assert client.get("/console/review/").status_code == 302


def test_a_password_reset_by_sms_ends_the_portals_other_sessions(app, client, monkeypatch):
    register(client)
    assert portal_login(client, id_number=ID_NUMBER, password=APPLICANT["password"]).status_code == 302
    thief = copy_of(app, client)
    assert thief.get("/portal/").status_code == 200
    later = clock.now() + timedelta(minutes=2)  # past the interval between two codes to one phone
    monkeypatch.setattr(clock, "now", lambda: later)
    other = app.test_client()
    code = get_code(other, "/portal/reset", "13912345678")
    data = {"phone": "13912345678", "sms_code": code, "password": "New#Grass2026", "confirm": "New#Grass2026"}
    assert post_form(other, "/portal/reset", data).status_code == 302
    assert "/portal/login" in thief.get("/portal/").headers["Location"]
