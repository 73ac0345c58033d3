"""Fixtures: one schema per test run (SQLite file, or PostgreSQL when DATABASE_URL says so),
emptied before each test; an app per test on the profile it asks for."""

import os
import re
import zlib

import pytest
from peewee import PostgresqlDatabase
from stdnum.cn import ric

from console import create_app, migrations
from console.infra import captcha, clock
from console.infra.database import open_database
from console.org import authorities
from console.people.identity import gender_of
from console.people.passwords import hash_password
from models import MODELS, Account, Accountant, Authority, SchemaVersion, db
from tests.images import noisy_jpeg

CAPTCHA_TEXT = "TEST"
PASSWORD = "Correct#Horse9"
ROLES = ("province_admin", "reviewer", "unit_head", "accountant", "auditor")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    database = open_database(url)
    db.initialize(database)
    with db.connection_context():
        db.drop_tables(MODELS, safe=True, cascade=isinstance(database, PostgresqlDatabase))
    migrations.upgrade()
    return url


def reset_database():
    tables = [m._meta.table_name for m in MODELS if m is not SchemaVersion]
    with db.connection_context():
        if isinstance(db.obj, PostgresqlDatabase):
            db.execute_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            db.execute_sql("PRAGMA foreign_keys = OFF")
            for table in tables:
                db.execute_sql(f'DELETE FROM "{table}"')
            db.execute_sql("PRAGMA foreign_keys = ON")


@pytest.fixture
def province():
    """Override in a test module (or parametrize) to run on another profile."""
    return "neimenggu"


@pytest.fixture
def app_overrides():
    """Override in a test module to change the app's configuration."""
    return {}


@pytest.fixture
def app(database_url, province, app_overrides, tmp_path, monkeypatch):
    monkeypatch.setattr(captcha, "new_text", lambda: CAPTCHA_TEXT)
    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "PROVINCE": province,
            "STORAGE_DIR": str(tmp_path / "storage"),
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            **app_overrides,
        }
    )
    reset_database()
    with application.app_context(), db.connection_context():
        authorities.load_authorities(application.extensions["profile"])
    yield application
    if not db.is_closed():
        db.close()


@pytest.fixture(scope="session")
def scans():
    """A photo that meets Inner Mongolia's rule (white background) and a scan for every other slot."""
    return {"photo": noisy_jpeg(295, 413, 60, 100, white_border=True), "scan": noisy_jpeg(900, 650, 65, 145)}


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ctx(app):
    """A request context with an open connection, for tests that call domain functions directly.

    Not for tests that also use a test client: its requests would share this context's `g`
    (Flask reuses a pushed app context), and with it the cached user and CSRF token."""
    with app.test_request_context(), db.connection_context():
        yield


def csrf_token(client, url):
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def resident_id(region="150105", birth="19900307", serial=123):
    body = f"{region}{birth}{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


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
        with client.session_transaction() as session:
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


@pytest.fixture
def admin_client(app, client):
    make_account(app, "province_admin", "admin")
    assert login(client, "admin").status_code == 302
    return client


@pytest.fixture
def reviewer_client(app, client):
    make_account(app, "reviewer", "reviewer")
    assert login(client, "reviewer").status_code == 302
    return client
