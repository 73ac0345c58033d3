"""What every response says about itself: the Content-Security-Policy with its nonce, no caching of pages,
HSTS over HTTPS, a Server header that names nothing, and a Chinese error page when the database is gone."""

import re

import pytest
import requests
from peewee import OperationalError

from models import db
from tests.helpers import make_account, session_for


def test_pages_run_only_the_sites_scripts_and_those_with_the_nonce(client):
    policy = client.get("/portal/login").headers["Content-Security-Policy"]
    script = re.search(r"script-src ([^;]+)", policy).group(1)
    assert script.startswith("'self' 'nonce-") and "unsafe" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    other = client.get("/portal/login").headers["Content-Security-Policy"]
    assert re.search(r"nonce-[^']+", other).group(0) != re.search(r"nonce-[^']+", policy).group(0)


def test_pages_are_not_cached_and_static_files_are(client):
    assert client.get("/portal/login").headers["Cache-Control"] == "no-store"
    with client.get("/static/site.css") as static:
        assert "no-store" not in static.headers.get("Cache-Control", "")


@pytest.mark.parametrize("app_overrides", [{"SESSION_COOKIE_SECURE": True}])
def test_over_https_the_browser_is_told_to_stay_on_it(app):
    response = app.test_client().get("/portal/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Secure" in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in app.test_client().get("/portal/login").headers


def test_the_server_header_names_nothing(live_server):
    assert requests.get(f"{live_server}/").headers["Server"] == "console"


def test_with_the_database_gone_a_signed_in_page_still_answers_in_chinese(app, monkeypatch):
    client = session_for(app, make_account(app, "reviewer", "reviewer"))
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as in production, not raise into the test

    def gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(type(db.obj), "execute_sql", gone)
    response = client.get("/console/review/")
    assert response.status_code == 500 and "服务器内部错误，请稍后再试" in response.get_data(as_text=True)
