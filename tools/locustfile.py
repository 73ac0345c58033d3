"""The load benchmark's users (`flask --app console load` runs this under `python -m locust`): reviewers working
their own county's queue, accountants signing in, saving a wizard step and uploading a scan, and the public
reading the phone directory. Each request is named by its kind, so the statistics group by kind, not by URL.

What it needs comes in the JSON file LOAD_CONFIG names (tools.load writes it); what it counted as done (the
decisions and uploads the server accepted) goes to the file named there as `done`, for the check afterwards."""

import hashlib
import hmac
import html.parser
import itertools
import json
import os
import random
import re
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import psycopg2
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from locust import FastHttpUser, between, constant, events, task
from locust.exception import StopUser

CONFIG = json.loads(Path(os.environ["LOAD_CONFIG"]).read_text())
ERRORS = re.compile(r'<(?:span|p) class="(?:error|notice notice-error)"[^>]*>([^<]+)<')
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CASE_LINK = re.compile(r'<td data-label="姓名"><a href="/console/review/(\d+)"')
TEMPLATE = re.compile(r'name="templates" value="(\d+)"')
SLOTS = ("id_front", "id_back", "diploma", "degree")  # the scans a 900×650 JPEG fits (not the photo, nor the letter)
DONE = {"decisions": [], "uploads": []}
THINK = between(*CONFIG["think"]) if CONFIG["think"] else constant(0)  # the seconds a person takes between steps
_next = {"reviewer": itertools.count(), "accountant": itertools.count()}


def answers(secret):
    """{HMAC digest: answer} over every captcha answer: the server keeps only the digest (console.infra.captcha)."""
    base = hmac.new(secret.encode(), digestmod=hashlib.sha256)
    table = {}
    for letters in itertools.product(CONFIG["alphabet"], repeat=CONFIG["length"]):
        answer = "".join(letters)
        digest = base.copy()
        digest.update(answer.encode())
        table[digest.digest()[:8]] = answer
    return table


ANSWERS = answers(CONFIG["secret"])
DATABASE = psycopg2.connect(CONFIG["database_url"])
DATABASE.autocommit = True
SCAN = Path(CONFIG["scan"]).read_bytes()


def _serializer():
    app = Flask("load")
    app.secret_key = CONFIG["secret"]
    return SecureCookieSessionInterface().get_signing_serializer(app)


SESSIONS = _serializer()


def solved(client):
    """The answer of the captcha this client's session was shown, as an operator with the secret finds it."""
    cookie = next(c.value for c in client.cookiejar if c.name == "session")
    token = SESSIONS.loads(cookie)["captcha"]
    with DATABASE.cursor() as cursor:
        cursor.execute("SELECT digest FROM captcha WHERE token = %s", (token,))
        (digest,) = cursor.fetchone()
    return ANSWERS[bytes.fromhex(digest)[:8]]


def csrf(response):
    return CSRF.search(response.text).group(1)


def refused(response, expected_status, where=None):
    """Why a response is not the one the step expects (None when it is), marked on its statistics."""
    location = response.headers.get("Location") or ""
    if response.status_code != expected_status or (where and not where(location)):
        said = location or "；".join(ERRORS.findall(response.text or "")) or (response.text or "")[:200]
        response.failure(f"{response.status_code} → {said}")
        return True
    return False


class WizardForm(html.parser.HTMLParser):
    """The fields of the wizard's form as its page fills them in: what a browser would send back unchanged."""

    def __init__(self, page):
        super().__init__()
        self.fields, self._inside, self._select, self._textarea = [], False, None, None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._inside = "wizard-form" in (attrs.get("class") or "")
        elif not self._inside or tag != "option" and not attrs.get("name"):
            return
        elif tag == "input" and attrs.get("type") not in ("file", "submit", "button"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.fields.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "select":
            self._select = [attrs["name"], None, None]  # its name, the option selected, the first option
        elif tag == "option" and self._select:
            value = attrs.get("value") or ""
            self._select[1] = value if "selected" in attrs else self._select[1]
            self._select[2] = value if self._select[2] is None else self._select[2]
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False
        elif tag == "select" and self._select:
            name, selected, first = self._select
            self.fields.append((name, selected if selected is not None else first or ""))
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append(tuple(self._textarea))
            self._textarea = None


def posted(client, url, fields, name):
    """A form's POST as a browser sends it, its redirect not followed; used as `with posted(...) as response`."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return client.post(
        url, data=urlencode(fields, doseq=True), headers=headers, name=name, allow_redirects=False, catch_response=True
    )


def multipart(fields, file_field, filename, content):
    """A multipart/form-data body (FastHttpUser sends bytes as they are): (body, its Content-Type)."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
        f"Content-Type: image/jpeg\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def account(kind):
    """The next seeded account of the kind: each user signs in as its own (a reviewer, its own county's)."""
    accounts = CONFIG[f"{kind}s"]
    n = next(_next[kind])
    if n >= len(accounts):
        raise StopUser()
    return accounts[n]


class Staff(FastHttpUser):
    """A reviewer signed in to the console as their county's own."""

    abstract = True
    wait_time = THINK

    def on_start(self):
        self.me, self.decided = account("reviewer"), 0
        page = self.client.get("/console/login", name="console_sign_in_page")
        self.client.get("/captcha.png", name="captcha")
        form = {"csrf_token": csrf(page), **self.me, "captcha": solved(self.client)}
        with posted(self.client, "/console/login", form, "console_sign_in") as signed:
            if refused(signed, 302, lambda to: "/console/login" not in to):
                raise StopUser()


class QueueReader(Staff):
    """The queue page and nothing else, again and again: how many of them the workers serve."""

    @task
    def queue(self):
        self.client.get("/console/review/", name="queue")


class Reviewer(Staff):
    """Opens the queue, the first case in it, and decides it: approve or return, in turn."""

    weight = CONFIG["weights"]["reviewer"]

    @task
    def review(self):
        queue = self.client.get("/console/review/", name="queue")
        waiting = CASE_LINK.findall(queue.text)
        if not waiting:
            events.request.fire(
                request_type="INFO", name="queue_empty", response_time=0, response_length=0, exception=None
            )
            time.sleep(1)
            return
        case_id = waiting[0]
        page = self.client.get(f"/console/review/{case_id}", name="case")
        action, form = "approve", {"csrf_token": csrf(page)}
        if self.decided % 2:
            action = "return"
            form.update(templates=TEMPLATE.findall(page.text)[:1], note="请补充材料", note_section="general")
        sent = time.time()
        with posted(self.client, f"/console/review/{case_id}/{action}", form, "decide") as decided:
            if not refused(decided, 302, lambda to: not to.endswith(f"/console/review/{case_id}")):
                DONE["decisions"].append({"id": int(case_id), "kind": action, "sent": sent, "done": time.time()})
                self.decided += 1


def sign_in(user):
    """The portal's sign-in as a person makes it: the page, its captcha image, the form posted."""
    page = user.client.get("/portal/login", name="sign_in_page")
    user.client.get("/captcha.png", name="captcha")
    form = {"csrf_token": csrf(page), **user.me["form"], "captcha": solved(user.client)}
    with posted(user.client, "/portal/login", form, "sign_in") as signed:
        refused(signed, 302, lambda to: "/portal/login" not in to)


class SigningIn(FastHttpUser):
    """Signs in to the portal and nothing else, again and again: how many sign-ins the workers check."""

    def on_start(self):
        self.me = account("accountant")

    @task
    def sign_in(self):
        sign_in(self)


class Accountant(FastHttpUser):
    """A session of the wizard, over and over: signs in, saves a step five times (the personal step as its page
    shows it) and uploads four scans, in random order."""

    weight = CONFIG["weights"]["accountant"]
    wait_time = THINK

    def on_start(self):
        self.me, self.token = account("accountant"), None
        self.sign_in()

    @task(1)
    def sign_in(self):
        sign_in(self)
        self.token = None  # a new session: the old page's token no longer holds

    @task(5)
    def wizard_step(self):
        page = self.client.get("/portal/collection/personal", name="wizard_page")
        self.token = csrf(page)
        fields = [*WizardForm(page.text).fields, ("action", "next")]
        with posted(self.client, "/portal/collection/personal", fields, "wizard_step") as saved:
            refused(saved, 302, lambda to: to.endswith("/portal/collection/post"))

    @task(4)
    def upload(self):
        if self.token is None:
            self.wizard_step()
        slot = random.choice(SLOTS)
        body, kind = multipart({"csrf_token": self.token}, "file", "扫描件.jpg", SCAN)
        sent = time.time()
        with self.client.post(
            f"/portal/collection/attachments/{slot}",
            data=body,
            headers={"Content-Type": kind},
            name="upload",
            allow_redirects=False,
            catch_response=True,
        ) as uploaded:
            if not refused(uploaded, 302, lambda to: to.endswith("/portal/collection/attachments")):
                DONE["uploads"].append({"person": self.me["id"], "slot": slot, "sent": sent, "done": time.time()})


class Public(FastHttpUser):
    weight = CONFIG["weights"]["public"]
    wait_time = THINK

    @task
    def directory(self):
        self.client.get("/directory", name="directory")


@events.test_stop.add_listener
def _write_done(**_):
    Path(CONFIG["done"]).write_text(json.dumps(DONE))
