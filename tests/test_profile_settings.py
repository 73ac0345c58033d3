"""省份设置: the admin at the province changes upload limits, the deadline and its message, the preparation page,
the SMS signature and the system pass in the console, previews, saves a version, and puts an earlier one back;
every worker follows within a second, and bad input is refused at its field with nothing written."""

import dataclasses
import json
import re
import time
from html import unescape
from html.parser import HTMLParser

import pytest

from console import profile_settings
from console.collection import lifecycle
from console.errors import RuleViolation
from console.infra import images, messages
from console.review import claims, decisions
from models import Account, AuditEntry, Authority, Collection, ProfileSetting
from tests.factories import applicant, complete
from tests.helpers import make_account, session_for

URL = "/console/settings/"


class Fields(HTMLParser):
    """The values a browser would post from the settings form, as the page filled them."""

    def __init__(self):
        super().__init__()
        self.values, self._textarea, self._select = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") != "checkbox":
            self.values[name] = attrs.get("value", "")
        elif tag == "input" and name and "checked" in attrs:
            self.values[name] = "y"
        elif tag == "textarea":
            self._textarea, self.values[name] = name, ""
        elif tag == "select":
            self._select, self.values[name] = name, ""
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def form_of(client):
    page = client.get(URL)
    assert page.status_code == 200
    parser = Fields()
    parser.feed(page.get_data(as_text=True))
    return {name: unescape(value).lstrip("\n") for name, value in parser.values.items()}


def preview(client, **changes):
    return client.post(URL, data={**form_of(client), **changes, "action": "preview"})


def save(client, **changes):
    """Preview, then confirm what was previewed, as the admin does."""
    page = preview(client, **changes)
    assert page.status_code == 200, page.get_data(as_text=True)
    previewed = re.search(r'name="previewed" type="hidden" value="([0-9a-f]+)"', page.get_data(as_text=True))
    return client.post(URL, data={**form_of(client), **changes, "previewed": previewed.group(1), "action": "save"})


def test_each_profile_lists_its_materials_with_the_rule_its_checks_apply(app, ctx):
    profile = app.extensions["profile"]
    shown = profile_settings.materials(profile)
    assert len(shown) == 13  # 002 §四: 13 items
    photo = images.ImageRule.for_slot(profile, "photo").describe()
    assert shown[0] == (profile.materials[0]["text"], photo) and "295×413 像素" in photo
    assert shown[4][1] == images.ImageRule.for_slot(profile, "diploma_record").describe()  # 电子备案表, 自愿提供


def test_the_preparation_step_shows_the_notice_and_the_materials(app, client, scans):
    account = applicant()
    lifecycle.open_draft(account.accountant)
    page = session_for(app, account).get("/portal/collection/preparation").get_data(as_text=True)
    assert "开始从事会计工作时间，只能申报一次" in page
    assert page.count("<li>", page.index('id="materials"')) >= 13
    assert "（JPEG（.jpg），60-100 KB，295×413 像素）" in page  # ImageRule.describe, as the checks apply it


def test_an_admin_previews_then_saves_and_the_wizard_follows(app, admin_client):
    page = preview(admin_client, **{"upload_photo-max_kb": "120"})
    assert page.status_code == 200
    assert "JPEG（.jpg），60-120 KB，295×413 像素" in page.get_data(
        as_text=True
    )  # the preview, as the applicant reads it
    assert ProfileSetting.select().count() == 0  # a preview writes nothing

    assert save(admin_client, **{"upload_photo-max_kb": "120"}).status_code == 302
    version = ProfileSetting.get()
    assert version.key == "uploads" and json.loads(version.value)["photo"]["max_kb"] == 120
    assert json.loads(version.previous)["photo"]["max_kb"] == 100
    assert version.changed_by.username == "admin"
    assert AuditEntry.get(AuditEntry.action == "settings.change").actor_id == version.changed_by_id
    with app.test_request_context():
        assert images.ImageRule.for_slot(profile_settings.in_force(), "photo").max_kb == 120
    assert form_of(admin_client)["upload_photo-max_kb"] == "120"


def test_saving_what_was_not_previewed_only_previews_it(admin_client):
    data = {**form_of(admin_client), "deadline_message": "逾期不再受理", "action": "save", "previewed": "0" * 16}
    page = admin_client.post(URL, data=data)
    assert page.status_code == 200 and 'id="settings-preview"' in page.get_data(as_text=True)
    assert ProfileSetting.select().count() == 0


BAD = {
    "size not a number": ({"upload_photo-max_kb": "1OO"}, "upload_photo-max_kb", "请填写正整数"),
    "min not below max": ({"upload_general-min_kb": "200"}, "upload_general-min_kb", "并小于最大文件大小"),
    "width without height": ({"upload_id_front-width": "600"}, "upload_id_front-height", "宽度和高度须同时填写"),
    "no general max": ({"upload_general-max_kb": ""}, "upload_general-max_kb", "请填写最大文件大小"),
    "no date": ({"collection_deadline": "2027-13-01"}, "collection_deadline", "请按 年-月-日 填写截止日期"),
    "long message": ({"deadline_message": "逾" * 201}, "deadline_message", "截止提示不能超过 200 个字"),
    "bracketed signature": ({"sms_signature": "【内蒙古会计网】"}, "sms_signature", "短信签名为 2–12 个"),
    "unknown slot": ({"materials-0-slot": "passport"}, None, "设置不符合省份配置的规则"),
}


@pytest.mark.parametrize("changes, field, message", BAD.values(), ids=BAD.keys())
def test_bad_input_is_refused_at_its_field_keeping_what_was_typed(admin_client, changes, field, message):
    page = preview(admin_client, **changes)
    text = page.get_data(as_text=True)
    assert page.status_code == 422 and message in text
    if field:
        assert re.search(
            rf'name="{field}"[^>]*class="[^"]*is-invalid|class="[^"]*is-invalid[^"]*"[^>]*name="{field}"', text
        )
    typed = next(iter(changes.values()))
    assert typed.replace("【", "").replace("】", "")[:10] in unescape(text)
    assert ProfileSetting.select().count() == 0


def test_nothing_changed_is_said_and_not_saved(admin_client):
    page = preview(admin_client)
    assert page.status_code == 422 and "没有修改任何设置" in page.get_data(as_text=True)


def test_each_change_is_a_version_and_an_earlier_value_can_be_put_back(app, admin_client):
    save(admin_client, sms_signature="内蒙古财政")
    save(admin_client, sms_signature="北疆会计")
    versions = list(ProfileSetting.select().order_by(ProfileSetting.id))
    assert [(json.loads(v.previous), json.loads(v.value)) for v in versions] == [
        ("内蒙古会计网", "内蒙古财政"),
        ("内蒙古财政", "北疆会计"),
    ]
    history = admin_client.get(URL).get_data(as_text=True)
    assert history.index("北疆会计") < history.index("内蒙古会计网", history.index('id="settings-history"'))

    token = re.search(r'name="csrf_token" value="([^"]+)"', history).group(1)
    assert admin_client.post(f"{URL}revert/{versions[0].id}", data={"csrf_token": token}).status_code == 302
    last = ProfileSetting.select().order_by(ProfileSetting.id.desc()).get()
    assert json.loads(last.value) == "内蒙古会计网" and json.loads(last.previous) == "北疆会计"
    with app.test_request_context():
        assert messages.sms(profile_settings.in_force(), "collection_approved").startswith("【内蒙古会计网】")


def test_another_worker_follows_within_the_recheck_time(app, admin_client, monkeypatch):
    """A worker that did not make the change sees it once its kept copy is older than SETTINGS_RECHECK_SECONDS."""
    with app.test_request_context():
        assert profile_settings.in_force().sms_signature == "内蒙古会计网"
    admin = Account.get(Account.username == "admin")
    ProfileSetting.create(
        key="sms_signature",
        value='"北疆会计"',
        previous='"内蒙古会计网"',
        changed_by=admin,
        changed_at=admin.created_at,
    )
    with app.test_request_context():  # written by another process: this one's copy still stands
        assert profile_settings.in_force().sms_signature == "内蒙古会计网"
    later = time.monotonic() + app.config["SETTINGS_RECHECK_SECONDS"]
    monkeypatch.setattr(profile_settings.time, "monotonic", lambda: later)
    with app.test_request_context():
        assert profile_settings.in_force().sms_signature == "北疆会计"


@pytest.mark.parametrize("role", ["reviewer", "unit_head", "auditor", "accountant", "city_admin", None])
def test_only_an_admin_at_the_province_keeps_the_settings(app, role):
    if role == "city_admin":
        city = Authority.get(Authority.code == "1502")
        account = make_account(app, "province_admin", "cityadmin", authority=city)
    else:
        account = role and make_account(app, role, role)
    client = session_for(app, account)
    assert client.get(URL).status_code in (302, 403)
    assert client.post(URL, data={"sms_signature": "北疆会计", "action": "save"}).status_code in (302, 400, 403)
    assert ProfileSetting.select().count() == 0


def with_deadline(app, day, message="逾期请联系所在地财政局会计科"):
    return dataclasses.replace(app.extensions["profile"], collection_deadline=day, deadline_message=message)


def test_after_the_deadline_a_first_submission_is_refused_and_a_returned_one_goes_on(app, ctx, scans):
    account = applicant()
    draft = lifecycle.open_draft(account.accountant)
    complete(app, draft, scans)
    closed = with_deadline(app, "2020-06-30")
    with pytest.raises(RuleViolation, match="信息采集已于 2020年06月30日 截止。逾期请联系所在地财政局会计科"):
        lifecycle.submit(draft, account, closed)
    assert Collection.get_by_id(draft.id).status == "draft"

    submitted = lifecycle.submit(draft, account, app.extensions["profile"])
    reviewer = make_account(app, "reviewer", "reviewer", authority=submitted.authority)
    reasons = [decisions.Reason("personal", "", "民族有误")]
    decisions.return_collection(claims.claim(submitted, reviewer), reviewer, app.extensions["profile"], reasons)
    assert lifecycle.submit(Collection.get_by_id(submitted.id), account, closed).status == "submitted"


def test_the_portal_states_the_deadline_before_it(app, admin_client):
    save(admin_client, collection_deadline="2099-06-30", deadline_message="逾期不再受理")
    account = applicant()
    page = session_for(app, account).get("/portal/").get_data(as_text=True)
    assert "信息采集截止日期：2099年06月30日。逾期不再受理" in page
