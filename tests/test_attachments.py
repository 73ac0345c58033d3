"""Scans are stored under generated names outside static/, replaced per slot, and shown only to those entitled."""

from pathlib import Path

import pytest

from console.collection import attachments
from console.errors import RuleViolation
from console.infra import clock, storage
from models import Account, Attachment, AuditEntry, Authority, Collection
from tests.helpers import make_account, make_accountant, resident_id, session_for
from tests.images import PDF, noisy_jpeg


def new_collection(name="张会计", region="150105", phone="13900000001", serial=1):
    authority = Authority.get(Authority.code == region)
    person = make_accountant(name=name, id_number=resident_id(region, serial=serial), phone=phone, authority=authority)
    now = clock.now()
    return Collection.create(accountant=person, authority=authority, created_at=now, updated_at=now)


def stored_files(app):
    return sorted(p.name for p in Path(app.config["STORAGE_DIR"]).rglob("*") if p.is_file())


def scan():
    return noisy_jpeg(900, 650, 65, 145)


def test_a_scan_is_stored_under_a_generated_name_with_a_thumbnail(app, ctx):
    collection = new_collection()
    attachment = attachments.attach(collection, "id_front", scan(), app.extensions["profile"], None)
    files = stored_files(app)
    assert files == sorted([attachment.storage_name, attachment.storage_name.replace(".jpg", ".thumb.jpg")])
    assert len(attachment.storage_name) == 36 and attachment.content_type == "image/jpeg"
    assert "static" not in app.config["STORAGE_DIR"]


def test_uploading_the_slot_again_replaces_the_file(app, ctx):
    collection = new_collection()
    first = attachments.attach(collection, "id_front", scan(), app.extensions["profile"], None)
    second = attachments.attach(collection, "id_front", scan(), app.extensions["profile"], None)
    assert [a.id for a in Attachment.select()] == [second.id]
    assert first.storage_name not in " ".join(stored_files(app))
    attachments.remove(second)
    assert Attachment.select().count() == 0 and stored_files(app) == []


def test_a_refused_upload_leaves_nothing_behind(app, ctx):
    collection = new_collection()
    with pytest.raises(RuleViolation, match="文件内容不是 JPEG 格式的图片"):
        attachments.attach(collection, "diploma", PDF, app.extensions["profile"], None)
    assert Attachment.select().count() == 0 and stored_files(app) == []


@pytest.fixture
def id_scan(app):
    with app.test_request_context():
        collection = new_collection()
        return attachments.attach(collection, "id_front", scan(), app.extensions["profile"], None)


def applicants_account():
    return Account.create(
        username="owner",
        password_hash="x",
        role="accountant",
        accountant=Collection.get().accountant,
        created_at=clock.now(),
    )


def reader(app, role, username, **fields):
    return session_for(app, make_account(app, role, username, **fields))


def test_who_may_see_a_scan(app, id_scan):
    Collection.update(status="submitted").execute()
    owner = applicants_account()
    url = f"/files/{id_scan.id}"
    hohhot = Authority.get(Authority.code == "1501")
    baotou = Authority.get(Authority.code == "1502")
    expected = {
        ("accountant", "owner"): 200,
        ("accountant", "someone-else"): 404,
        ("reviewer", "saihan-reviewer"): 200,
        ("reviewer", "hohhot-reviewer"): 200,  # the city oversees its counties
        ("reviewer", "baotou-reviewer"): 404,
        ("province_admin", "admin"): 200,
        ("unit_head", "head"): 404,
        ("auditor", "auditor"): 404,
    }
    scopes = {
        "saihan-reviewer": {"authority": Authority.get(Authority.code == "150105")},
        "hohhot-reviewer": {"authority": hohhot},
        "baotou-reviewer": {"authority": baotou},
    }
    got = {}
    for role, username in expected:
        client = (
            session_for(app, owner) if username == "owner" else reader(app, role, username, **scopes.get(username, {}))
        )
        got[(role, username)] = client.get(url).status_code
    assert got == expected
    assert app.test_client().get(url).status_code == 302
    assert app.test_client().get("/files/999999").status_code == 302


def test_the_scans_of_a_draft_are_its_applicants_alone(app, id_scan):
    owner = applicants_account()
    reviewer = reader(app, "reviewer", "saihan-reviewer", authority=Authority.get(Authority.code == "150105"))
    admin = reader(app, "province_admin", "admin")
    for url in (f"/files/{id_scan.id}", f"/files/{id_scan.id}/thumbnail"):
        assert session_for(app, owner).get(url).status_code == 200
        assert reviewer.get(url).status_code == 404 and admin.get(url).status_code == 404
    Collection.update(status="submitted").execute()
    assert reviewer.get(f"/files/{id_scan.id}").status_code == 200  # readable once submitted


def test_staff_views_of_id_scans_are_audited_and_served_privately(app, id_scan):
    Collection.update(status="submitted").execute()
    client = reader(app, "reviewer", "saihan-reviewer", authority=Authority.get(Authority.code == "150105"))
    response = client.get(f"/files/{id_scan.id}")
    assert response.mimetype == "image/jpeg" and response.headers["Cache-Control"] == "private, no-store"
    assert client.get(f"/files/{id_scan.id}/thumbnail").mimetype == "image/jpeg"
    entry = AuditEntry.get(AuditEntry.action == "attachment.read")
    assert entry.target_id == str(id_scan.id) and "身份证头像面" in entry.detail
    assert AuditEntry.select().where(AuditEntry.action == "attachment.read").count() == 1  # thumbnails are not
    assert client.get("/files/999999").status_code == 404


def dropped_upload():
    yield b"the first block"
    raise OSError("the connection dropped")


def test_files_no_row_points_to_are_swept_a_day_after_they_were_written(app, ctx, id_scan):
    kept = sorted([id_scan.storage_name, storage.thumbnail_name(id_scan.storage_name)])
    orphan = storage.save(b"written, and then the process was killed", ".jpg")
    with pytest.raises(OSError):
        storage.save_chunks(dropped_upload(), ".png")  # leaves its unfinished write behind
    assert attachments.sweep_orphans() == 0  # too young: an upload may still be under way
    assert attachments.sweep_orphans(now=clock.now() + attachments.ORPHAN_GRACE * 2) == 2
    assert stored_files(app) == kept and storage.read(id_scan.storage_name)
    assert orphan not in stored_files(app)
