"""材料示例: set, replaced and removed in the console by an admin at the province (each audited), checked by content,
served to anyone with cache headers, shown beside its slot in the wizard, and kept by the sweep of stray files."""

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from console.collection import attachments, rules
from console.content import samples
from console.infra import clock, storage
from console.profiles import load_profile
from models import Account, AuditEntry, Authority, SlotSample
from tests.factories import entry_filed
from tests.helpers import make_account, make_accountant, post_form, resident_id, session_for
from tests.images import PDF, noisy_jpeg, png, png_bomb
from tests.test_console_chinese import Page, untranslated

PAGE = "/console/samples/"


def stored_files(app):
    return sorted(p.name for p in Path(app.config["STORAGE_DIR"]).rglob("*") if p.is_file())


def storage_bytes(app, name):
    with app.app_context():
        return storage.read(name)


def with_camera_data():
    exif = Image.Exif()
    exif[0x010F] = "某品牌相机"  # Make
    return noisy_jpeg(900, 650, exif=exif.tobytes())


def upload(client, slot, data, filename="示例.jpg"):
    return post_form(client, f"/console/samples/{slot}", {"file": (io.BytesIO(data), filename)} if data else {}, PAGE)


def test_an_admin_uploads_replaces_and_removes_a_sample_each_audited(app, admin_client):
    assert upload(admin_client, "id_front", with_camera_data(), "C:\\示例\\身份证.JPG").status_code == 302
    first = SlotSample.get()
    assert (first.slot, first.content_type, first.uploaded_by.username) == ("id_front", "image/jpeg", "admin")
    assert stored_files(app) == sorted([first.storage_name, storage.thumbnail_name(first.storage_name)])
    kept = storage_bytes(app, first.storage_name)
    assert not Image.open(io.BytesIO(kept)).getexif()  # re-encoded without what the camera wrote
    page = admin_client.get(PAGE).get_data(as_text=True)
    assert "已上传“身份证头像面”的示例" in page
    assert f'src="/samples/id_front/thumbnail?v={first.sha256[:16]}"' in page and ">更换</button>" in page

    assert upload(admin_client, "id_front", png(600, 400), "新示例.png").status_code == 302
    second = SlotSample.get()
    assert SlotSample.select().count() == 1 and second.content_type == "image/png"
    assert stored_files(app) == sorted([second.storage_name, storage.thumbnail_name(second.storage_name)])

    assert post_form(admin_client, "/console/samples/id_front/remove", {}, PAGE).status_code == 302
    assert not SlotSample.select().exists() and stored_files(app) == []
    assert "已删除“身份证头像面”的示例" in admin_client.get(PAGE).get_data(as_text=True)

    entries = list(AuditEntry.select().where(AuditEntry.action.startswith("sample.")).order_by(AuditEntry.id))
    assert [e.action for e in entries] == ["sample.set", "sample.set", "sample.remove"]
    assert [e.target_id for e in entries] == [str(first.id), str(second.id), str(second.id)]
    assert {e.target_type for e in entries} == {"SlotSample"} and {e.actor.username for e in entries} == {"admin"}
    assert json.loads(entries[0].detail)["文件名"] == "身份证.JPG"
    assert all(json.loads(e.detail)["材料"] == "身份证头像面" for e in entries)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "请选择要上传的示例图片"),
        (b"only text, no image", "文件内容不是 JPEG或PNG 格式的图片"),
        (PDF, "文件内容不是 JPEG或PNG 格式的图片"),
        (b"\xff\xd8\xff\xe0 broken jpeg", "图片文件不完整或已损坏"),
        (noisy_jpeg(900, 650)[:4000], "图片文件不完整或已损坏"),
        (png_bomb(), "图片像素尺寸"),
        (noisy_jpeg(1600, 1200, 2100), "超过 2048 KB 的上限"),
    ],
    ids=["no file", "text", "pdf", "cut header", "cut short", "bomb", "too big"],
)
def test_bad_input_is_refused_at_the_field_and_nothing_is_stored(app, admin_client, data, message):
    response = upload(admin_client, "diploma", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    field = re.search(r'<tr id="sample-diploma">.*?</tr>', page, re.S).group(0)
    assert 'class="form-control-file is-invalid"' in field and message in field
    assert 'class="invalid-feedback d-block" role="alert">' in field
    assert not SlotSample.select().exists() and stored_files(app) == []
    assert not AuditEntry.select().where(AuditEntry.action.startswith("sample.")).exists()


def test_a_refused_replacement_keeps_the_sample_there_was(app, admin_client):
    upload(admin_client, "photo", noisy_jpeg(295, 413))
    before, files = SlotSample.get(), stored_files(app)
    assert upload(admin_client, "photo", b"not an image").status_code == 422
    assert SlotSample.get().storage_name == before.storage_name and stored_files(app) == files


def test_a_slot_the_profile_does_not_use_is_not_found(admin_client):
    assert upload(admin_client, "work_proof", noisy_jpeg(900, 650)).status_code == 404  # 内蒙古: the 证明函
    assert upload(admin_client, "no_such_slot", noisy_jpeg(900, 650)).status_code == 404
    assert post_form(admin_client, "/console/samples/no_such_slot/remove", {}, PAGE).status_code == 404
    assert not SlotSample.select().exists()


def test_removing_a_slot_without_a_sample_says_so(admin_client):
    assert post_form(admin_client, "/console/samples/diploma/remove", {}, PAGE).status_code == 302
    assert "该材料还没有示例" in admin_client.get(PAGE).get_data(as_text=True)


def test_the_page_lists_every_slot_of_the_profile_in_chinese(admin_client):
    page = admin_client.get(PAGE).get_data(as_text=True)
    listed = re.findall(r'<tr id="sample-(\w+)">\s*<td>(.*?)</td>', page)
    assert listed == [(slot, attachments.SLOTS[slot]) for slot in rules.offered_slots(load_profile("neimenggu"))]
    assert ("letter", "从事会计工作证明函") in listed and "work_proof" not in dict(listed)
    assert page.count(">上传</button>") == len(listed) and "尚无示例" in page


@pytest.mark.parametrize(
    "province, present, absent",
    [
        ("neimenggu", {"letter", "residence", "student"}, {"work_proof", "commitment", "talent_proof", "award_proof"}),
        ("jilin", {"work_proof", "commitment", "talent_proof"}, {"letter", "award_proof", "publication_proof"}),
        ("chongqing", {"work_proof", "award_proof", "violation_proof", "publication_proof"}, {"letter", "commitment"}),
        ("bingtuan", {"work_proof", "diploma", "qualification"}, {"letter", "commitment", "talent_proof"}),
    ],
)
def test_each_profile_lists_the_slots_its_wizard_may_ask_for(province, present, absent):
    slots = rules.offered_slots(load_profile(province))
    assert present <= set(slots) and not absent & set(slots)
    assert list(slots) == [slot for slot in attachments.SLOTS if slot in slots]  # in the wizard's order


def city_admin(app):
    return make_account(app, "province_admin", "hohhot", authority=Authority.get(Authority.code == "1501"))


@pytest.mark.parametrize(
    "who, token_page, expected",
    [
        ("anonymous", "/console/login", 302),
        ("accountant", "/portal/", 403),
        ("reviewer", "/console/", 403),
        ("city_admin", "/console/", 403),
    ],
)
def test_only_an_admin_at_the_province_opens_the_page_or_changes_a_sample(app, who, token_page, expected):
    with app.test_request_context():
        samples.set("photo", "示例.jpg", noisy_jpeg(295, 413), make_account(app, "province_admin", "admin"))
    account = {
        "anonymous": lambda: None,
        "accountant": lambda: make_account(app, "accountant", "kuaiji"),
        "reviewer": lambda: make_account(app, "reviewer", "reviewer"),
        "city_admin": lambda: city_admin(app),
    }[who]()
    client = session_for(app, account)
    assert client.get(PAGE).status_code == expected
    replaced = post_form(client, "/console/samples/photo", {"file": (io.BytesIO(png(300, 400)), "x.png")}, token_page)
    removed = post_form(client, "/console/samples/photo/remove", {}, token_page)
    assert (replaced.status_code, removed.status_code) == (expected, expected)
    assert SlotSample.get().content_type == "image/jpeg"
    assert AuditEntry.select().where(AuditEntry.action.startswith("sample.")).count() == 1


def test_a_post_without_its_csrf_token_is_refused(admin_client):
    posted = admin_client.post("/console/samples/photo", data={"file": (io.BytesIO(noisy_jpeg(295, 413)), "x.jpg")})
    assert posted.status_code == 400 and not SlotSample.select().exists()


def what_is_wrong(response):
    """The untranslated words and the script the policy would block on one page (tests.test_console_chinese)."""
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    page = Page(nonce.group(1) if nonce else "")
    page.feed(response.get_data(as_text=True))
    return [text for text in page.words if untranslated(text)] + page.blocked


def test_the_console_page_speaks_chinese_and_runs_under_the_policy(app):
    admin = make_account(app, "province_admin", "pa", display_name="测试人员")
    with app.test_request_context():
        samples.set("diploma", "示例.png", png(600, 400), admin)
    client = session_for(app, admin)
    assert what_is_wrong(client.get(PAGE)) == []
    refused = upload(client, "photo", b"not an image")
    assert refused.status_code == 422 and what_is_wrong(refused) == []


def test_anyone_fetches_a_sample_cached_by_its_checksum(app):
    with app.test_request_context():
        admin = make_account(app, "province_admin", "admin")
        sample = samples.set("id_front", "示例.jpg", noisy_jpeg(900, 650), admin)
    anonymous = app.test_client()
    served = anonymous.get("/samples/id_front")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.data == storage_bytes(app, sample.storage_name)
    assert served.headers["ETag"] == f'"{sample.sha256}"'
    assert served.cache_control.public and served.cache_control.max_age == 300 and not served.cache_control.no_store
    assert "Set-Cookie" not in served.headers
    again = anonymous.get("/samples/id_front", headers={"If-None-Match": f'"{sample.sha256}"'})
    assert again.status_code == 304 and again.data == b""
    thumbnail = anonymous.get("/samples/id_front/thumbnail")
    assert thumbnail.mimetype == "image/jpeg" and Image.open(io.BytesIO(thumbnail.data)).size[0] <= 320
    assert anonymous.get("/samples/id_back").status_code == 404  # a slot without a sample
    assert anonymous.get("/samples/id_back/thumbnail").status_code == 404
    assert anonymous.get("/samples/no_such_slot").status_code == 404


def applicant(app):
    """An Inner Mongolia accountant who may collect, signed in."""
    with app.app_context():
        person = make_accountant(
            id_number=resident_id("150105", "19900307", 124), authority=Authority.get(Authority.code == "150105")
        )
        entry_filed(person)
        account = Account.create(password_hash="x", role="accountant", accountant=person, created_at=date.today())
    return session_for(app, account)


def test_the_wizard_shows_the_sample_link_beside_the_slot_that_has_one(app):
    with app.test_request_context():
        sample = samples.set("id_front", "示例.jpg", noisy_jpeg(900, 650), make_account(app, "province_admin", "admin"))
    page = applicant(app).get("/portal/collection/attachments").get_data(as_text=True)
    items = dict(
        re.findall(r'<li class="upload[^"]*">\s*<div class="upload-head"><strong>(.*?)</strong>(.*?)</li>', page, re.S)
    )
    link = f'href="/samples/id_front?v={sample.sha256[:16]}" target="_blank" rel="noopener"'
    assert link in items["身份证头像面"] and ">材料示例</a>" in items["身份证头像面"]
    assert "材料示例" not in items["身份证国徽面"] and "材料示例" not in items["1 寸免冠白底证件照"]
    assert page.count(">材料示例</a>") == 1


def test_the_sweep_keeps_a_samples_files(app, ctx):
    sample = samples.set("diploma", "示例.jpg", noisy_jpeg(900, 650), make_account(app, "province_admin", "admin"))
    orphan = storage.save(b"written, and then the process was killed", ".jpg")
    assert attachments.sweep_orphans(now=clock.now() + attachments.ORPHAN_GRACE * 2) == 1
    assert stored_files(app) == sorted([sample.storage_name, storage.thumbnail_name(sample.storage_name)])
    assert orphan not in stored_files(app)


def test_the_menu_offers_the_provinces_pages_to_its_admin_at_the_province_alone(app):
    province = session_for(app, make_account(app, "province_admin", "admin")).get("/console/").get_data(as_text=True)
    city = session_for(app, city_admin(app)).get("/console/").get_data(as_text=True)
    for page in ("/console/samples/", "/console/settings/", "/console/national/"):
        assert f'href="{page}"' in province and f'href="{page}"' not in city
    assert 'href="/console/notice/"' in city  # what a city keeps for its own tree stays
