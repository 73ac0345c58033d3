"""Console sign-in: captcha, lock after five failures, idle timeout, first-sign-in password change,
safe `next` redirects, CSRF."""

from datetime import timedelta

import pytest

from console.infra import clock
from models import Account, AuditEntry
from tests.helpers import PASSWORD, csrf_token, login, make_account, post_form


def actions():
    return [e.action for e in AuditEntry.select().order_by(AuditEntry.id)]


@pytest.fixture
def later(monkeypatch):
    """Move the clock forward by a timedelta."""
    start = clock.now()

    def move(delta):
        monkeypatch.setattr(clock, "now", lambda: start + delta)

    return move


def test_sign_in_lands_on_the_console_and_is_audited(app, client):
    make_account(app, "reviewer", "reviewer")
    response = login(client, "reviewer")
    assert response.status_code == 302 and response.headers["Location"] == "/console/"
    assert "测试reviewer" in client.get("/console/").get_data(as_text=True)
    assert actions() == ["login.success"]


def test_wrong_captcha_keeps_the_account_name_and_signs_nobody_in(app, client):
    make_account(app, "reviewer", "reviewer")
    response = login(client, "reviewer", captcha_text="WXYZ")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "验证码错误，请重新输入" in page
    assert 'value="reviewer"' in page
    assert client.get("/console/").status_code == 302
    assert Account.get(Account.username == "reviewer").failed_logins == 0


def test_captcha_is_good_for_one_try_only(app, client):
    make_account(app, "reviewer", "reviewer")
    login(client, "reviewer", password="wrong")
    token = csrf_token(client, "/console/login")
    response = client.post(
        "/console/login", data={"csrf_token": token, "username": "reviewer", "password": PASSWORD, "captcha": "TEST"}
    )
    assert "验证码错误" in response.get_data(as_text=True)


def test_missing_fields_are_named_in_chinese(client):
    response = post_form(client, "/console/login", {"username": "", "password": "", "captcha": ""})
    page = response.get_data(as_text=True)
    assert "请输入账号" in page and "请输入密码" in page and "请输入验证码" in page


def test_wrong_password_and_unknown_account_get_the_same_answer(app, client):
    make_account(app, "reviewer", "reviewer")
    wrong = login(client, "reviewer", password="not-it").get_data(as_text=True)
    unknown = login(client, "nobody").get_data(as_text=True)
    assert "账号或密码错误" in wrong and "账号或密码错误" in unknown
    entries = list(AuditEntry.select().where(AuditEntry.action == "login.failure").order_by(AuditEntry.id))
    assert [e.actor_name for e in entries] == ["测试reviewer", "nobody"]


def test_five_failures_lock_the_account_for_fifteen_minutes(app, client, later):
    make_account(app, "reviewer", "reviewer")
    for _ in range(4):
        assert "账号或密码错误" in login(client, "reviewer", password="bad").get_data(as_text=True)
    fifth = login(client, "reviewer", password="bad").get_data(as_text=True)
    until = clock.to_beijing(Account.get(Account.username == "reviewer").locked_until)
    assert f"账号已锁定至 {until:%Y-%m-%d %H:%M}（北京时间）" in fifth

    later(timedelta(minutes=14, seconds=59))
    refused = login(client, "reviewer").get_data(as_text=True)
    assert "账号已锁定至" in refused and client.get("/console/").status_code == 302

    later(timedelta(minutes=15, seconds=1))
    assert login(client, "reviewer").status_code == 302
    assert client.get("/console/").status_code == 200
    assert actions().count("login.locked") == 1 and "login.refused" in actions()


def test_idle_session_ends_after_thirty_minutes(app, client, later):
    make_account(app, "reviewer", "reviewer")
    login(client, "reviewer")
    later(timedelta(minutes=29))
    assert client.get("/console/").status_code == 200
    later(timedelta(minutes=29 + 31))
    response = client.get("/console/authority/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/console/login")
    assert "长时间未操作，已自动退出" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.get("/console/").status_code == 302
    assert "session.timeout" in actions()


def test_new_staff_account_must_change_its_password_first(app, client):
    make_account(app, "reviewer", "reviewer", must_change=True)
    login(client, "reviewer")
    response = client.get("/console/authority/")
    assert response.status_code == 302 and response.headers["Location"] == "/console/password"

    weak = post_form(client, "/console/password", {"current": PASSWORD, "new": "abcdefgh", "confirm": "abcdefgh"})
    assert "密码须包含大写字母、小写字母、数字、符号中的至少 3 类" in weak.get_data(as_text=True)
    short = post_form(client, "/console/password", {"current": PASSWORD, "new": "Ab1#", "confirm": "Ab1#"})
    assert "密码至少 8 位" in short.get_data(as_text=True)
    mismatch = post_form(client, "/console/password", {"current": PASSWORD, "new": "New#Pass12", "confirm": "x"})
    assert "两次输入的新密码不一致" in mismatch.get_data(as_text=True)
    wrong = post_form(client, "/console/password", {"current": "nope", "new": "New#Pass12", "confirm": "New#Pass12"})
    assert "原密码不正确" in wrong.get_data(as_text=True)
    assert Account.get(Account.username == "reviewer").must_change_password

    done = post_form(client, "/console/password", {"current": PASSWORD, "new": "New#Pass12", "confirm": "New#Pass12"})
    assert done.status_code == 302
    assert client.get("/console/authority/").status_code == 200
    client.post("/console/logout", data={"csrf_token": csrf_token(client, "/console/")})
    assert login(client, "reviewer", password="New#Pass12").status_code == 302


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/console/authority/", "/console/authority/"),
        ("https://evil.example/", "/console/"),
        ("//evil.example/", "/console/"),
        ("/\\evil.example", "/console/"),
        ("javascript:alert(1)", "/console/"),
    ],
)
def test_next_only_leads_to_our_own_paths(app, client, target, expected):
    make_account(app, "reviewer", "reviewer")
    assert login(client, "reviewer", next_url=target).headers["Location"] == expected


def test_accountants_cannot_sign_in_to_the_console(app, client):
    make_account(app, "accountant", "person")
    assert "账号或密码错误" in login(client, "person").get_data(as_text=True)


def test_disabled_account_is_refused(app, client):
    make_account(app, "reviewer", "reviewer", is_enabled=False)
    assert "账号已停用" in login(client, "reviewer").get_data(as_text=True)


def test_forged_post_without_token_is_400(app, client):
    make_account(app, "province_admin", "admin")
    assert client.post("/console/login", data={"username": "admin", "password": PASSWORD}).status_code == 400
    login(client, "admin")
    response = client.post("/console/authority/edit/?id=1", data={"name": "伪造"})
    assert response.status_code == 400 and "页面已过期或请求来源不明" in response.get_data(as_text=True)
    assert client.post("/console/logout").status_code == 400


def test_sign_out_ends_the_session(app, client):
    make_account(app, "reviewer", "reviewer")
    login(client, "reviewer")
    response = client.post("/console/logout", data={"csrf_token": csrf_token(client, "/console/")})
    assert response.status_code == 302 and client.get("/console/").status_code == 302
    assert actions()[-1] == "logout"


def test_pages_forbid_framing_and_sniffing(client):
    response = client.get("/console/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "HttpOnly" in response.headers["Set-Cookie"] and "SameSite=Lax" in response.headers["Set-Cookie"]


def test_disabling_an_account_ends_its_open_session(app, client):
    make_account(app, "reviewer", "reviewer")
    login(client, "reviewer")
    Account.update(is_enabled=False).where(Account.username == "reviewer").execute()
    assert client.get("/console/").status_code == 302


def test_parallel_requests_do_not_overwrite_the_captcha(app, client):
    """A browser loads the captcha image while other requests of the page are under way."""
    make_account(app, "reviewer", "reviewer")
    token = csrf_token(client, "/console/login")
    stale_cookie = client.get_cookie("session").value
    client.get("/captcha.png")
    for url in ("/favicon.ico", "/static/site.css", "/console/login"):  # started with the older cookie
        other = app.test_client()
        other.set_cookie("session", stale_cookie)
        with other.get(url) as answered:
            assert "Set-Cookie" not in answered.headers, url
    response = client.post(
        "/console/login", data={"csrf_token": token, "username": "reviewer", "password": PASSWORD, "captcha": "TEST"}
    )
    assert response.status_code == 302


def test_an_unknown_name_costs_a_password_check_as_a_known_one_does(app, client, monkeypatch):
    from console.people import passwords

    checked = []
    original = passwords.check_password_hash
    monkeypatch.setattr(passwords, "check_password_hash", lambda *a: checked.append(1) or original(*a))
    make_account(app, "reviewer", "reviewer")
    login(client, "reviewer", password="wrong")
    login(client, "nobody", password="wrong")
    assert len(checked) == 2  # the time of the answer does not tell which names exist


@pytest.mark.parametrize("app_overrides", [{"PASSWORD_HASH_METHOD": "argon2id"}])
def test_an_older_hash_is_written_again_as_argon2id_at_the_first_right_password(app, client):
    from werkzeug.security import generate_password_hash

    account = make_account(app, "reviewer", "reviewer")
    old = generate_password_hash(PASSWORD, method="scrypt")
    Account.update(password_hash=old).where(Account.id == account.id).execute()
    login(client, "reviewer", password="wrong")
    assert Account.get_by_id(account.id).password_hash == old  # a wrong password changes nothing
    assert login(client, "reviewer").status_code == 302
    upgraded = Account.get_by_id(account.id).password_hash
    assert upgraded.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    client.post("/console/logout", data={"csrf_token": csrf_token(client, "/console/")})
    assert login(client, "reviewer").headers["Location"] == "/console/"  # the new hash holds the same password
    assert Account.get_by_id(account.id).password_hash == upgraded
