"""Fixtures: one schema per test run (SQLite file, or PostgreSQL when DATABASE_URL says so), and an app per
test on the profile it asks for.

The profile's authority tree is committed once and kept while the tests run on that profile; each test runs
inside a transaction that is rolled back, so it sees the tree and leaves nothing behind. A test whose
requests run on other threads (a live server, a race) cannot see that transaction: it is marked `committing`
and gets the tree committed afresh, and the next test the same."""

import os
import threading

import pytest
from peewee import PostgresqlDatabase
from werkzeug.serving import make_server

from console import create_app, migrations
from console.infra import captcha
from console.infra.database import open_database
from console.org import authorities
from console.review import dashboard, worklist
from models import MODELS, SchemaVersion, db
from tests.helpers import CAPTCHA_TEXT, login, make_account
from tests.images import noisy_jpeg
from views.security import QuietRequestHandler

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


def forget_kept_figures():
    """The kept home figures and queue counts: their versions start again with the rows each test rolls back,
    which a process serving one database never sees."""
    dashboard._kept.clear()
    worklist._kept_counts.clear()


def reset_database():
    forget_kept_figures()
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


class Base:
    """The committed state the rolled-back tests share: one profile's authority tree, or None when unknown."""

    province = None


def commit_base(profile):
    reset_database()
    with db.connection_context():
        authorities.load_authorities(profile)


def committing(request):
    return request.node.get_closest_marker("committing") is not None or "live_server" in request.fixturenames


@pytest.fixture
def app(database_url, province, app_overrides, tmp_path, monkeypatch, request):
    monkeypatch.setattr(captcha, "new_text", lambda: CAPTCHA_TEXT)
    forget_kept_figures()
    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "PROVINCE": province,
            "STORAGE_DIR": str(tmp_path / "storage"),
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "SESSION_COOKIE_SECURE": False,  # the test client speaks plain HTTP
            "RATELIMIT_ENABLED": False,  # one address sends every test's requests; tests/test_limits.py turns it on
            "JOBS_IMMEDIATE": True,  # a job runs in the request that starts it; tests/test_jobs.py runs a worker
            "JOBS_DB": str(tmp_path / "jobs.db"),
            **app_overrides,
        }
    )
    with application.app_context():
        if committing(request) or Base.province != province:
            commit_base(application.extensions["profile"])
            Base.province = None if committing(request) else province
    if committing(request):
        yield application
    else:
        with db.connection_context(), db.atomic() as isolated:
            yield application
            isolated.rollback()  # and begins an empty one, which the block then commits
    if not db.is_closed() and not db.in_transaction():
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


@pytest.fixture
def live_server(app):
    """The app served by a threaded server on a free loopback port, for browsers and bursts of requests; a
    test using it commits (the server's threads must see its rows)."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
