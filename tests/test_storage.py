"""Stored files behave the same in a local folder and in an S3 bucket (SeaweedFS here): written whole or not at
all, read back, listed and removed under generated names only, served by the files route, and copied from
one place to the other by `storage-migrate`, which resumes and refuses a copy that differs."""

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from flask import send_file

from console.collection import attachments
from console.infra import clock, storage
from tests.helpers import session_for
from tests.seaweed import (
    place,
    seaweed,  # noqa: F401  (the session's SeaweedFS, asked for by name below)
)
from tests.test_attachments import applicants_account, dropped_upload, new_collection

BAD_NAMES = (
    "../x",
    "../x.part",
    "../../instance/secret_key",
    "ab/../" + "a" * 32 + ".jpg",
    "a" * 32 + ".jpg\n",
    "x.jpg",
)


@pytest.fixture(params=["local", "s3"])
def app_overrides(request):
    """Each test runs on a local folder (conftest's STORAGE_DIR) and on a bucket prefix of its own."""
    if request.param == "local":
        return {}
    return {**request.getfixturevalue("seaweed"), "STORAGE_URL": place()}


@pytest.fixture
def local(app):
    return not app.config["STORAGE_URL"]


def test_a_file_is_saved_under_a_new_name_and_read_back(ctx):
    scan = storage.save(b"scan", ".jpg")
    export = storage.save_chunks([b"a,b\n", b"1,2\n"], ".csv")
    assert storage.STORED_NAME.fullmatch(scan) and scan != export
    assert storage.read(scan) == b"scan" and storage.exists(scan)
    with storage.open_stream(export) as stream:
        assert stream.read(4) == b"a,b\n"
        stream.seek(0)  # a CSV import reads its start twice
        assert stream.read() == b"a,b\n1,2\n"
    assert sorted(storage.names()) == sorted([scan, export])


def test_a_stream_is_sent_as_the_export_download_sends_it(ctx):
    large = storage.SPOOLED + 1  # past what a copy keeps in memory; a bucket takes it in parts
    export = storage.save_chunks([b"x" * large, b"y"], ".xlsx")
    response = send_file(storage.open_stream(export), mimetype="application/octet-stream")
    assert b"".join(response.response) == b"x" * large + b"y"
    response.close()


def test_removing_a_scan_removes_its_thumbnail(ctx):
    scan = storage.save(b"scan", ".png")
    storage.write(storage.thumbnail_name(scan), b"thumbnail")
    assert storage.read(storage.thumbnail_name(scan)) == b"thumbnail"
    storage.remove(scan)
    assert not storage.exists(scan) and not storage.exists(storage.thumbnail_name(scan)) and storage.names() == []
    with pytest.raises(FileNotFoundError):
        storage.read(scan)
    with pytest.raises(FileNotFoundError):  # what an import job tells its asker the upload is gone by
        storage.open_stream(scan)
    storage.remove(scan)  # removing twice is no error


def test_written_before_names_the_files_older_than_a_moment(ctx):
    scan = storage.save(b"scan", ".jpg")
    assert storage.written_before(clock.now() - timedelta(minutes=1)) == []
    assert storage.written_before(clock.now() + timedelta(minutes=1)) == [scan]
    storage.remove_any(scan)
    assert storage.written_before(clock.now() + timedelta(minutes=1)) == []


def test_a_write_that_fails_midway_leaves_nothing_under_the_name(app, ctx, local, monkeypatch):
    monkeypatch.setattr(storage.secrets, "token_hex", lambda size: "ab" * size)
    with pytest.raises(OSError):
        storage.save_chunks(dropped_upload(), ".csv")
    name = "ab" * 16 + ".csv"
    if not local:  # an upload in parts never completed, as a process killed mid-upload leaves it
        bucket = app.extensions["storage"]
        where = {"Bucket": bucket.bucket, "Key": bucket.prefix + name}
        upload = bucket.client.create_multipart_upload(**where)
        bucket.client.upload_part(**where, UploadId=upload["UploadId"], PartNumber=1, Body=b"the first part")
    assert not storage.exists(name) and storage.names() == []
    with pytest.raises(FileNotFoundError):
        storage.read(name)
    later = clock.now() + timedelta(minutes=1)
    unfinished = name + storage.UNFINISHED
    assert storage.written_before(later) == ([unfinished] if local else [])  # a bucket never holds a part
    if local:
        storage.remove_any(unfinished)  # as the sweep does
        assert storage.written_before(later) == []
    storage.write(name, b"whole")
    with pytest.raises(OSError):
        app.extensions["storage"].write(name, dropped_upload())
    assert storage.read(name) == b"whole"  # a failed rewrite leaves the file as it was


def test_only_generated_names_are_accepted(ctx):
    for name in BAD_NAMES:
        for use in (storage.read, storage.open_stream, storage.exists, storage.remove, storage.remove_any):
            with pytest.raises(ValueError, match="not a stored file name"):
                use(name)
        with pytest.raises(ValueError, match="not a stored file name"):
            storage.write(name, b"x")
        with pytest.raises(ValueError, match="not a stored file name"):
            storage.save(b"x", name)
    assert storage.names() == []


def test_the_files_route_serves_a_stored_scan(app, scans, local):
    """End to end: a scan stored through the domain, read back by its owner through /files."""
    with app.test_request_context():
        attachment = attachments.attach(new_collection(), "id_front", scans["scan"], app.extensions["profile"], None)
        owner = applicants_account()
        stored = sorted(storage.names())
    assert stored == sorted([attachment.storage_name, storage.thumbnail_name(attachment.storage_name)])
    assert Path(app.config["STORAGE_DIR"]).exists() == local  # a bucket's app writes no local file
    client = session_for(app, owner)
    original = client.get(f"/files/{attachment.id}")
    assert original.status_code == 200 and original.mimetype == "image/jpeg"
    assert hashlib.sha256(original.data).hexdigest() == attachment.sha256
    assert client.get(f"/files/{attachment.id}/thumbnail").data[:3] == b"\xff\xd8\xff"


@pytest.fixture
def elsewhere(app, local, tmp_path, request):
    """The other kind of place: a folder for an app on a bucket, a bucket prefix for an app on a folder."""
    if not local:
        return str(tmp_path / "copy")
    app.config.update(request.getfixturevalue("seaweed"))  # the bucket's endpoint and keys; files stay local
    return place()


def migrate(app, to):
    return app.test_cli_runner().invoke(args=["storage-migrate", "--to", to])


def test_storage_migrate_copies_every_file_and_resumes(app, ctx, elsewhere):
    files = {storage.save(bytes([n]) * 1000, ".jpg"): bytes([n]) * 1000 for n in range(3)}
    files[storage.save_chunks([b"a,b\n"], ".csv")] = b"a,b\n"
    target = storage.backend_for(elsewhere, app.config)
    first, second, *_ = sorted(files)
    target.write(first, [files[first]])  # copied before the run was interrupted
    target.write(second, [b"a copy that went wrong"])
    result = migrate(app, elsewhere)
    assert result.exit_code == 0 and "已复制 3 个文件，跳过 1 个已存在的文件" in result.output, result.output
    assert {name: target.read(name) for name, _ in target.entries()} == files
    assert "已复制 0 个文件，跳过 4 个已存在的文件" in migrate(app, elsewhere).output


def test_storage_migrate_refuses_a_copy_that_differs(app, ctx, elsewhere, monkeypatch):
    scan = storage.save(b"scan", ".jpg")
    target = storage.backend_for(elsewhere, app.config)
    kind = type(target)  # not the source's: one place is a folder, the other a bucket
    write = kind.write
    monkeypatch.setattr(kind, "write", lambda backend, name, chunks: write(backend, name, [b"bit rot"]))
    result = migrate(app, elsewhere)
    assert result.exit_code == 1 and f"{scan} 的副本与原文件校验不符" in result.output
    assert not target.exists(scan)  # the bad copy is not left to be taken for a good one


def test_storage_migrate_refuses_an_unknown_kind_of_place(app, ctx):
    result = migrate(app, "gs://bucket/scans")
    assert result.exit_code == 1 and "存储位置应为本地目录或 s3://存储桶/前缀" in result.output
