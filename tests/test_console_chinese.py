"""Every console page, walked as each role would, speaks Chinese: no Flask-Admin or model string in English, no
raw value (None, a Python dict, JSON) where a reader expects words; and runs under the Content-Security-Policy:
no inline event handler, no inline script without the response's nonce."""

import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest

from models import Authority, db
from tests.factories import on_duty_at, submitted, unit_at
from tests.helpers import make_account, session_for

# Latin words staff do read on these pages: file formats and the names of documents and codes.
KNOWN_WORDS = {"excel", "xlsx", "csv", "json", "pdf", "jpg", "jpeg", "png", "uscc", "email", "mail", "sms"}
RAW = re.compile(r"\bNone\b|\bTrue\b|\bFalse\b|\{'|\{\"|\[\"|LocalProxy|<[a-z.]+ object")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
DATA = re.compile(r"[\w.+-]+@[\w.-]+|\b[0-9A-Z]*[0-9][0-9A-Z-]*\b")  # e-mail addresses and codes people typed
ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
SKIPPED = re.compile(r"/(logout|static|export|attachments?|scans?|file|download|print)\b")
PAGES_PER_ROLE = 160
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """What a reader sees of a page (text and the attributes read aloud), and the console links on it."""

    def __init__(self, nonce=""):
        super().__init__()
        self.words, self.links, self.blocked, self._hidden, self.nonce = [], [], [], 0, nonce

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.blocked.extend(f"{tag} {name}" for name in attrs if name.startswith("on"))
        inline = tag == "script" and not attrs.get("src") and attrs.get("type") != "application/json"
        if inline and attrs.get("nonce") != self.nonce:
            self.blocked.append("script without the nonce")
        if tag in VOID and self._hidden:
            return
        if self._hidden or tag in ("script", "style", "template") or "d-none" in attrs.get("class", "").split():
            self._hidden += 1
            return
        if tag == "a" and (attrs.get("href") or "").startswith("/console/"):
            self.links.append(attrs["href"])
        self.words.extend(attrs[name] for name in ATTRIBUTES if attrs.get(name))
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.words.append(attrs["value"])

    def handle_endtag(self, tag):
        if self._hidden and tag not in VOID:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.words.append(data.strip())


def untranslated(text):
    if RAW.search(text):
        return True
    return any(word.lower() not in KNOWN_WORDS for word in LATIN_WORD.findall(DATA.sub("", text)))


def page_key(href):
    """Pages that differ only in the values of their query (another sort, another page) are walked once."""
    parts = urlsplit(href)
    return parts.path, tuple(sorted(key for key, _ in parse_qsl(parts.query)))


def walk(client, start="/console/"):
    """Every console page reachable by links from start: {url: [untranslated strings]} and any failure."""
    seen, queue, found = set(), [start], {}
    while queue and len(seen) < PAGES_PER_ROLE:
        href = queue.pop(0)
        if page_key(href) in seen or SKIPPED.search(href):
            continue
        seen.add(page_key(href))
        response = client.get(href)
        if response.status_code in (301, 302, 403, 404):
            continue
        assert response.status_code == 200, href
        if "text/html" not in response.content_type:
            continue
        nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
        page = Page(nonce.group(1) if nonce else "")
        page.feed(response.get_data(as_text=True))
        bad = [text for text in page.words if untranslated(text)] + page.blocked
        if bad:
            found[href] = bad
        queue.extend(page.links)
    return found


def staff(app, scans):
    """A day's worth of records to show, and the staff who read them."""
    with app.test_request_context(), db.connection_context():
        submitted(app, scans)
        county = Authority.get(Authority.code == "150203")
        unit = unit_at(county, serial=7)
        on_duty_at(unit, "赵在岗", 301)
    city = Authority.get(Authority.code == "1502")
    accounts = {
        "province_admin": make_account(app, "province_admin", "pa", display_name="测试人员"),
        "city_admin": make_account(app, "province_admin", "ca", display_name="测试人员", authority=city),
        "county_reviewer": make_account(app, "reviewer", "cr", display_name="测试人员", authority=county),
        "city_reviewer": make_account(app, "reviewer", "yr", display_name="测试人员", authority=city),
        "unit_head": make_account(app, "unit_head", "uh", display_name="测试人员", unit=unit),
        "auditor": make_account(app, "auditor", "au", display_name="测试人员"),
    }
    export = session_for(app, accounts["county_reviewer"]).get("/console/review/export.csv?q=150105199003070124")
    assert export.status_code == 200
    return accounts


@pytest.mark.parametrize(
    "role", ["province_admin", "city_admin", "county_reviewer", "city_reviewer", "unit_head", "auditor"]
)
def test_every_console_page_speaks_chinese_and_runs_under_the_policy(app, scans, role):
    account = staff(app, scans)[role]
    assert walk(session_for(app, account)) == {}
