"""The accountant portal: registration with an SMS code, sign-in in each profile's modes, password reset."""

import re
from datetime import timedelta

import pytest

from console.infra import clock
from console.people import registration
from console.review import claims, decisions
from models import Account, Accountant, AuditEntry, Authority, Collection, OutboxMessage
from tests.factories import submitted
from tests.helpers import CAPTCHA_TEXT, csrf_token, make_account, make_accountant, resident_id, session_for

PASSWORD = "Grass#land2026"
ID_NUMBER = resident_id("150105", "19900307", 124)


def press_send(client, url, **data):
    """Solve the captcha and press 获取验证码 on the form at url, with the form's fields `data`."""
    token = csrf_token(client, url)
    client.get("/captcha.png")
    return client.post(url, data={"csrf_token": token, "captcha": CAPTCHA_TEXT, "send_code": "1", **data})


def get_code(client, url, phone, data=None):
    """Press 获取验证码 for phone; return the code the outbox shows."""
    response = press_send(client, url, **{**(data or {}), "phone": phone})
    assert "验证码已发送，5 分钟内有效" in response.get_data(as_text=True)
    body = OutboxMessage.select().where(OutboxMessage.recipient == phone).order_by(OutboxMessage.id.desc()).get().body
    return re.search(r"验证码是 (\d{6})", body).group(1)


APPLICANT = {
    "name": "王影",
    "id_type": "resident",
    "id_number": ID_NUMBER,
    "phone": "13912345678",
    "password": PASSWORD,
    "confirm": PASSWORD,
}


def register(client, code=None, **fields):
    """Register with `fields` over a valid applicant; the SMS code is asked for with the valid form."""
    data = {**APPLICANT, **fields}
    if code is None:
        code = get_code(
            client, "/portal/register", data["phone"], {**APPLICANT, "phone": data["phone"], "username": "asker"}
        )
    return client.post(
        "/portal/register", data={"csrf_token": csrf_token(client, "/portal/register"), "sms_code": code, **data}
    )


def portal_login(client, mode=None, **fields):
    url = "/portal/login" + (f"?mode={mode}" if mode else "")
    token = csrf_token(client, url)
    client.get("/captcha.png")
    return client.post(url, data={"csrf_token": token, "captcha": CAPTCHA_TEXT, **fields})


def test_inner_mongolia_registration_then_sign_in_by_id(client):
    response = register(client)
    assert response.status_code == 302 and response.headers["Location"] == "/portal/login"
    person = Accountant.get(Accountant.id_number == ID_NUMBER)
    assert (person.name, person.gender, str(person.birth_date)) == ("王影", "female", "1990-03-07")
    assert person.authority.name == "赛罕区财政局"  # routed by the ID's region until the wizard says more
    assert Account.get(Account.accountant == person).role == "accountant"
    assert AuditEntry.select().where(AuditEntry.action == "accountant.register").count() == 1

    signed_in = portal_login(client, id_number=ID_NUMBER, password=PASSWORD)
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/portal/"
    home = client.get("/portal/").get_data(as_text=True)
    assert "150105********" in home and "139****5678" in home and "赛罕区财政局" in home
    assert "尚未开始信息采集" in home and "开始信息采集" in home


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"id_number": ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")}, "身份证号码校验位不正确"),
        ({"id_number": "15010519900307"}, "身份证号码应为 18 位"),
        ({"name": "王"}, "请输入与证件一致的姓名"),
        ({"password": "Ab#1", "confirm": "Ab#1"}, "密码至少 9 位"),
        ({"password": "abcdefgh1", "confirm": "abcdefgh1"}, "密码须同时包含字母、数字、特殊字符，缺少特殊字符"),
        ({"confirm": "Other#2026x"}, "两次输入的密码不一致"),
        ({"id_type": "unknown"}, "不是有效的选择"),
    ],
)
def test_registration_refusals_keep_what_was_typed_and_store_nothing(client, fields, message):
    response = register(client, **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert 'value="13912345678"' in page and ("王影" in page or fields.get("name") == "王")
    assert Accountant.select().count() == 0 and Account.select().count() == 0


def test_sms_code_must_be_given_and_right(client):
    assert "请输入短信验证码" in register(client, code="").get_data(as_text=True)
    code = get_code(client, "/portal/register", "13912345678", {**APPLICANT, "username": "wangying"})
    wrong = register(client, code="000000" if code != "000000" else "111111").get_data(as_text=True)
    assert "验证码错误，还可再试 4 次" in wrong
    assert Accountant.select().count() == 0


def test_a_taken_id_names_the_bureau_to_call(client):
    Authority.update(phones="0471-6945678").where(Authority.code == "150105").execute()
    make_accountant(id_number=ID_NUMBER, phone="13800000000")
    page = register(client).get_data(as_text=True)
    assert "证件号已被占用，请联系当地会计管理部门：赛罕区财政局（电话 0471-6945678）" in page


def test_one_phone_one_id_told_only_once_the_phones_code_is_verified(client):
    make_accountant(id_number=resident_id(serial=321), phone="13912345678")
    code = get_code(client, "/portal/register", "13912345678", APPLICANT)  # sending tells nothing
    page = register(client, code=code).get_data(as_text=True)
    assert "该手机号已与其他证件号绑定" in page and Accountant.select().count() == 1


def test_a_wrong_code_hears_nothing_of_what_is_taken(client):
    make_accountant(id_number=ID_NUMBER, phone="13800000000")
    get_code(client, "/portal/register", APPLICANT["phone"], APPLICANT)
    page = register(client, code="000000").get_data(as_text=True)
    assert "验证码错误" in page and "证件号已被占用" not in page


def test_sign_in_failures_lock_the_portal_account_too(client):
    register(client)
    for _ in range(4):
        assert "账号或密码错误" in portal_login(client, id_number=ID_NUMBER, password="x").get_data(as_text=True)
    assert "账号已锁定至" in portal_login(client, id_number=ID_NUMBER, password="x").get_data(as_text=True)
    assert "账号已锁定至" in portal_login(client, id_number=ID_NUMBER, password=PASSWORD).get_data(as_text=True)


def test_an_archive_moved_to_the_abnormal_database_cannot_sign_in(client):
    register(client)
    Accountant.update(archive_state="abnormal").execute()
    page = portal_login(client, id_number=ID_NUMBER, password=PASSWORD).get_data(as_text=True)
    assert "已转入异动库，不能登录" in page


def a_minute_later(monkeypatch):
    moment = clock.now() + timedelta(seconds=61)
    monkeypatch.setattr(clock, "now", lambda: moment)


def test_password_reset_by_sms(client, monkeypatch):
    register(client)
    a_minute_later(monkeypatch)
    url = "/portal/reset"
    unknown = press_send(client, url, phone="13700000000").get_data(as_text=True)
    assert "如该手机号已注册，验证码已发送，5 分钟内有效" in unknown and "未注册" not in unknown
    assert not OutboxMessage.select().where(OutboxMessage.recipient == "13700000000").exists()
    code = get_code(client, url, "13912345678")
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "phone": "13912345678",
            "sms_code": code,
            "password": "New#Grass2026",
            "confirm": "New#Grass2026",
        },
    )
    assert response.status_code == 302
    assert portal_login(client, id_number=ID_NUMBER, password="New#Grass2026").status_code == 302


@pytest.mark.parametrize("province", ["jilin"])
def test_jilin_registers_a_user_name_and_signs_in_with_it(client):
    code = get_code(client, "/portal/register", "13912345678", {**APPLICANT, "username": "wangying"})
    page = register(client, code=code, username="").get_data(as_text=True)
    assert "用户名为 4-20 位字母、数字或下划线" in page
    assert register(client, code=code, username="wangying").status_code == 302
    taken = register(
        client, username="wangying", id_number=resident_id("220102", "19850101", 13), phone="13912340000"
    ).get_data(as_text=True)
    assert "用户名已存在，请修改用户名重新注册" in taken
    assert Accountant.get(Accountant.phone == "13912345678").authority.name == "吉林省财政厅（吉林省会计人员服务中心）"
    assert portal_login(client, username="wangying", password=PASSWORD).status_code == 302


@pytest.mark.parametrize("province", ["bingtuan"])
def test_bingtuan_signs_in_by_name_and_id(client):
    number = resident_id("659001", "19880101", 17)
    register(client, id_number=number)
    assert Accountant.get().authority.name == "第八师财政局"
    refused = portal_login(client, name="别人", id_number=number, password=PASSWORD).get_data(as_text=True)
    assert "账号或密码错误" in refused
    assert portal_login(client, name="王影", id_number=number, password=PASSWORD).status_code == 302


@pytest.mark.parametrize("province", ["chongqing"])
def test_chongqing_letters_and_digits_and_phone_sign_in(client, monkeypatch):
    number = resident_id("500103", "20000202", 35)  # 渝中区 has had code 500103 since 1997
    code = get_code(client, "/portal/register", "13912345678", {**APPLICANT, "username": "wangying"})
    symbols = register(client, code=code, id_number=number).get_data(as_text=True)
    assert "密码只能由字母和数字组成，不能输入特殊符号" in symbols
    registered = register(client, code=code, id_number=number, password="grass2026", confirm="grass2026")
    assert registered.headers["Location"] == "/portal/collection/"  # 003 §1.2: on into the form, signed in
    assert client.get("/portal/").status_code == 200
    assert Accountant.get().authority.name == "渝中区财政局"
    client.post("/portal/logout", data={"csrf_token": csrf_token(client, "/portal/")})
    a_minute_later(monkeypatch)

    code = get_code(client, "/portal/login?mode=phone_sms", "13912345678", {"mode": "phone_sms"})
    response = portal_login(client, mode="phone_sms", phone="13912345678", sms_code=code)
    assert response.status_code == 302 and response.headers["Location"] == "/portal/"
    other = client.application.test_client()
    assert portal_login(other, mode="id_password", id_number=number, password="grass2026").status_code == 302


def test_staff_cannot_use_the_portal_home(app, reviewer_client):
    assert reviewer_client.get("/portal/").status_code == 403


def test_anonymous_visitors_are_sent_to_the_portal_sign_in(client):
    for url in ("/portal/", "/portal/collection/personal", "/portal/entry/"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/portal/login?next="), url


def test_inner_mongolia_resets_the_password_by_a_verified_email(client, monkeypatch):
    register(client)
    url = "/portal/reset?by=email"
    unknown = press_send(client, url, email="wang@example.cn").get_data(as_text=True)
    assert "如该电子邮箱已验证，验证码已发送，5 分钟内有效" in unknown
    assert not OutboxMessage.select().where(OutboxMessage.recipient == "wang@example.cn").exists()
    Accountant.update(email="wang@example.cn").execute()  # verified in the wizard's personal step
    a_minute_later(monkeypatch)
    sent = press_send(client, url, email="wang@example.cn").get_data(as_text=True)
    assert "验证码已发送" in sent
    message = OutboxMessage.get(OutboxMessage.recipient == "wang@example.cn")
    code = re.search(r"验证码是 (\d{6})", message.body).group(1)
    assert message.channel == "email"
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "email": "wang@example.cn",
            "sms_code": code,
            "password": "Mail#Reset2026",
            "confirm": "Mail#Reset2026",
        },
    )
    assert response.status_code == 302
    assert portal_login(client, id_number=ID_NUMBER, password="Mail#Reset2026").status_code == 302


@pytest.mark.parametrize("province", ["jilin"])
def test_email_reset_only_where_the_profile_allows_it(client):
    page = client.get("/portal/reset?by=email").get_data(as_text=True)
    assert "注册手机号" in page and "已验证的电子邮箱" not in page and "邮箱验证码" not in page


def test_two_registrations_of_one_id_at_once_end_with_one_account(client, monkeypatch):
    code = get_code(client, "/portal/register", "13912345678", {**APPLICANT, "username": "wangying"})
    make_accountant(id_number=ID_NUMBER, phone="13800000000")  # the other tab got there first …
    original, calls = registration._check_unique, []

    def passes_the_first_time(identity, phone, username=None):  # … just after this one's check had passed
        calls.append(identity.number)
        if len(calls) > 1:
            original(identity, phone, username)

    monkeypatch.setattr(registration, "_check_unique", passes_the_first_time)
    page = register(client, code=code).get_data(as_text=True)
    assert "证件号已被占用" in page and Accountant.select().count() == 1 and len(calls) == 2


def test_after_approval_the_home_page_offers_a_change_that_opens_in_the_wizard(app, scans):
    with app.test_request_context():
        waiting = submitted(app, scans)
        li = make_account(app, "reviewer", "li", authority=Authority.get(Authority.code == "150203"))
        decisions.approve(claims.claim(waiting, li), li, app.extensions["profile"])
        account = Account.get(Account.accountant == waiting.accountant_id)
    client = session_for(app, account)
    home = client.get("/portal/").get_data(as_text=True)
    assert "审核通过" in home and "信息变更</button>" in home
    opened = client.post("/portal/collection/change", data={"csrf_token": csrf_token(client, "/portal/")})
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/portal/collection/")
    assert Collection.select().where(Collection.kind == "change", Collection.status == "draft").count() == 1
    assert "信息变更：草稿" in client.get("/portal/").get_data(as_text=True)


def test_no_code_is_sent_for_a_form_that_would_be_refused(client):
    url = "/portal/register"
    typed = {"name": "王影", "id_type": "resident", "id_number": ID_NUMBER[:-1] + "0", "phone": "13912345678"}
    page = press_send(client, url, **typed).get_data(as_text=True)
    assert "身份证号码校验位不正确" in page and 'value="王影"' in page
    assert OutboxMessage.select().count() == 0
    page = press_send(client, url, **{**typed, "id_number": ID_NUMBER, "name": "A"}).get_data(as_text=True)
    assert "请输入与证件一致的姓名" in page and OutboxMessage.select().count() == 0
