"""What the tests share besides fixtures: accounts and people made as the product makes them, signing in, and
posting a form with its CSRF token."""

import re
import zlib

from stdnum.cn import ric

from console.infra import clock
from console.people import sessions
from console.people.identity import gender_of
from console.people.passwords import hash_password
from models import Account, Accountant, Authority, OutboxMessage, db
from tools import fake

CAPTCHA_TEXT = "TEST"
PASSWORD = "Correct#Horse9"


def csrf_token(client, url):
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def resident_id(region="150105", birth="19900307", serial=123):
    return fake.resident_id(region, birth, serial)


def make_accountant(name="张会计", id_number=None, phone="13900000001", authority=None):
    authority = authority or Authority.get(Authority.code == "150105")
    number = id_number or resident_id()
    return Accountant.create(
        id_number=number,
        id_tail=number[-4:],
        name=name,
        phone=phone,
        authority=authority,
        gender=gender_of(number),
        birth_date=ric.get_birth_date(number),
        created_at=clock.now(),
    )


def make_account(app, role, username=None, password=PASSWORD, authority=None, must_change=False, **fields):
    with app.test_request_context(), db.connection_context():
        if role == "accountant" and "accountant" not in fields:
            serial = zlib.crc32((username or role).encode()) % 1000
            fields["accountant"] = make_accountant(
                id_number=resident_id(serial=serial), phone=f"139{serial:08d}", authority=Authority.select().first()
            )
        if authority is None and role in ("reviewer", "province_admin"):
            code = app.extensions["profile"].province_code
            authority = (
                Authority.get(Authority.code == code)
                if role == "province_admin"
                else (
                    Authority.select().where(Authority.level == "county").order_by(Authority.code).first()
                    or Authority.select().where(Authority.level == "city").order_by(Authority.code).first()
                )
            )
        fields.setdefault("display_name", f"测试{role}")
        return Account.create(
            username=username or role,
            password_hash=hash_password(password),
            role=role,
            authority=authority,
            must_change_password=must_change,
            created_at=clock.now(),
            **fields,
        )


def session_for(app, account):
    """A test client already signed in as account (for roles without a sign-in page of their own yet)."""
    client = app.test_client()
    if account is not None:
        with app.app_context(), db.connection_context():
            token = sessions.open_for(account)
        with client.session_transaction() as session:
            session["token"] = token
            session["_user_id"] = str(account.id)
            session["_fresh"] = True
            session["last_seen"] = clock.now().timestamp()
    return client


def login(client, username, password=PASSWORD, captcha_text=CAPTCHA_TEXT, next_url=None):
    token = csrf_token(client, "/console/login")
    client.get("/captcha.png")
    return client.post(
        "/console/login" + (f"?next={next_url}" if next_url else ""),
        data={
            "csrf_token": token,
            "username": username,
            "password": password,
            "captcha": captcha_text,
            "next": next_url or "",
        },
    )


def post_form(client, url, data, page_url=None):
    """POST like a browser: with the CSRF token of the page the form is on."""
    return client.post(url, data={"csrf_token": csrf_token(client, page_url or url), **data})


def sms_code_to(phone):
    """The code of the latest SMS to phone, as its holder reads it."""
    body = OutboxMessage.select().where(OutboxMessage.recipient == phone).order_by(OutboxMessage.id.desc()).get().body
    return re.search(r"验证码是 (\d{6})", body).group(1)
