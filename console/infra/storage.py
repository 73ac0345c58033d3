"""Where files live, under random names, never the uploader's file name: scans and their thumbnails, and the
spreadsheets the background jobs read (an upload) or write (an export).

STORAGE_URL chooses the place once per app: unset, the folder STORAGE_DIR (outside static/); s3://bucket/prefix,
a bucket at AWS or at S3_ENDPOINT_URL (SeaweedFS, MinIO) that only the app reads, so a file is still served only
by the routes that check who asks. Each place is a small backend class; the functions below are all the rest of
the code sees, and they refuse any name but a generated one before a backend is asked."""

import hashlib
import os
import re
import secrets
import shutil
from datetime import UTC, datetime
from pathlib import Path
from tempfile import SpooledTemporaryFile
from urllib.parse import urlsplit

from flask import current_app

STORED_NAME = re.compile(r"[0-9a-f]{32}((\.thumb)?\.(jpg|png)|\.(csv|xlsx|pdf|json|zip))")
UNFINISHED = ".part"  # a local write under way, or one a crash left; renamed to its name once whole
BLOCK = 1 << 20
SPOOLED = 8 << 20  # an object copied from a bucket is kept in memory up to this size, on disk beyond


class StorageError(Exception):
    """A place that cannot hold the files, or a copy that differs from its source; the message is Chinese."""


def init_app(app):
    app.extensions["storage"] = backend_for(app.config["STORAGE_URL"] or app.config["STORAGE_DIR"], app.config)


def backend_for(place, config):
    """The backend a STORAGE_URL (or `storage-migrate --to`) names: s3://bucket/prefix, or a local folder."""
    url = urlsplit(place)
    if url.scheme == "s3" and url.netloc:
        return Bucket(url.netloc, url.path.strip("/"), config)
    if url.scheme:
        raise StorageError(f"存储位置应为本地目录或 s3://存储桶/前缀，而不是 {place}")
    return Folder(place)


def save(content, suffix):
    """Write content under a new random name; returns the name."""
    return save_chunks([content], suffix)


def save_chunks(chunks, suffix):
    """Write an iterable of bytes (an upload read a block at a time, an export as it is made) under a new
    random name; returns the name."""
    name = secrets.token_hex(16) + suffix
    _backend().write(_checked(name), chunks)
    return name


def write(name, content):
    _backend().write(_checked(name), [content])


def read(name):
    return _backend().read(_checked(name))


def open_stream(name):
    """The stored file, open for reading in binary, seekable (a CSV import reads its start twice)."""
    return _backend().open(_checked(name))


def exists(name):
    return _backend().exists(_checked(name))


def thumbnail_name(name):
    return name.split(".")[0] + ".thumb.jpg"


def remove(name):
    for stored in (name, thumbnail_name(name)):
        _backend().delete(_checked(stored))


def remove_any(name):
    """Remove a stored file whatever its kind (a thumbnail or a write a crash left unfinished)."""
    _checked(name.removesuffix(UNFINISHED))
    _backend().delete(name)


def names():
    """Every stored file's name (never an unfinished write), for copying the files elsewhere."""
    return [name for name, _ in _backend().entries() if STORED_NAME.fullmatch(name)]


def written_before(moment):
    """The names of the files (originals, thumbnails, unfinished writes) last written before `moment`."""
    cutoff = moment.replace(tzinfo=UTC)
    return [
        name
        for name, written in _backend().entries()
        if written < cutoff and STORED_NAME.fullmatch(name.removesuffix(UNFINISHED))
    ]


def copy_to(place):
    """Copy every stored file to the backend `place` names, each checked by its SHA-256 once written; a file
    already there with the same checksum is skipped, so an interrupted run resumes. Returns (copied, skipped)."""
    source, target = _backend(), backend_for(place, current_app.config)
    copied = skipped = 0
    for name in names():
        digest = _digest(source, name)
        if target.exists(name) and _digest(target, name) == digest:
            skipped += 1
            continue
        with source.open(name) as stream:
            target.write(name, _blocks(stream))
        if _digest(target, name) != digest:
            target.delete(name)
            raise StorageError(f"{name} 的副本与原文件校验不符（SHA-256），已删除该副本；此前已复制 {copied} 个文件")
        copied += 1
    return copied, skipped


def _backend():
    return current_app.extensions["storage"]


def _checked(name):
    if not STORED_NAME.fullmatch(name):
        raise ValueError(f"not a stored file name: {name!r}")
    return name


def _digest(backend, name):
    with backend.open(name) as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _blocks(stream):
    while block := stream.read(BLOCK):
        yield block


class Folder:
    """Files in a local folder, each in a subfolder named by its first two letters."""

    def __init__(self, root):
        self.root = Path(root)

    def _path(self, name):
        return self.root / name[:2] / name

    def write(self, name, chunks):
        """Into an unfinished file renamed to the name once whole: the name has the whole file, or none."""
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(name + UNFINISHED)
        with partial.open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
        os.replace(partial, path)

    def read(self, name):
        return self._path(name).read_bytes()

    def open(self, name):
        return self._path(name).open("rb")

    def exists(self, name):
        return self._path(name).is_file()

    def delete(self, name):
        self._path(name).unlink(missing_ok=True)

    def entries(self):
        """(name, when last written) of every file, unfinished writes included."""
        for path in self.root.glob("??/*"):
            if path.is_file():
                yield path.name, datetime.fromtimestamp(path.stat().st_mtime, UTC)


class Bucket:
    """Objects in an S3 bucket, under a prefix. An object appears whole once uploaded, or not at all (a
    multipart upload that was never completed is not listed), so a bucket has no unfinished writes."""

    def __init__(self, bucket, prefix, config):
        import boto3  # loaded only where a bucket is used: the local default starts without it

        self.bucket = bucket
        self.prefix = prefix + "/" if prefix else ""
        self.client = boto3.client(
            "s3",
            endpoint_url=config["S3_ENDPOINT_URL"] or None,  # None: AWS
            aws_access_key_id=config["AWS_ACCESS_KEY_ID"] or None,  # None: boto3's own search (a role, ~/.aws)
            aws_secret_access_key=config["AWS_SECRET_ACCESS_KEY"] or None,
            region_name=config["AWS_REGION"],
        )

    def _key(self, name):
        return self.prefix + name

    def write(self, name, chunks):
        """Spooled first, then uploaded: nothing is sent unless every chunk was made (an export that fails half
        way uploads nothing), and the upload is one object, created whole."""
        with SpooledTemporaryFile(SPOOLED) as spool:
            for chunk in chunks:
                spool.write(chunk)
            size = spool.tell()
            spool.seek(0)
            if size < SPOOLED:  # one PUT: the transfer manager's threads cost a small scan twice the CPU
                self.client.put_object(Bucket=self.bucket, Key=self._key(name), Body=spool.read())
            else:
                self.client.upload_fileobj(spool, self.bucket, self._key(name))

    def read(self, name):
        with self._body(name) as body:
            return body.read()

    def open(self, name):
        """A copy that seeks, unlike the object's stream (a CSV import reads its start twice)."""
        with self._body(name) as body:
            spool = SpooledTemporaryFile(SPOOLED)  # noqa: SIM115  (returned open, for its reader to close)
            shutil.copyfileobj(body, spool, BLOCK)
        spool.seek(0)
        return spool

    def _body(self, name):
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(name))["Body"]
        except self.client.exceptions.NoSuchKey:
            raise FileNotFoundError(name) from None

    def exists(self, name):
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(name))
        except self.client.exceptions.ClientError as error:
            if error.response["Error"]["Code"] == "404":
                return False
            raise
        return True

    def delete(self, name):
        self.client.delete_object(Bucket=self.bucket, Key=self._key(name))

    def entries(self):
        """(name, when last written) of every object under the prefix."""
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                yield item["Key"].removeprefix(self.prefix), item["LastModified"]
