"""备份与恢复: a consistent snapshot of the database and of every stored file, and its restore into an empty
database and storage (`flask --app console backup DIR`, `restore DIR`).

The database is copied first, whole and consistent (SQLite's online backup API; pg_dump, whose dump is one
repeatable-read transaction), then the files: stored under generated names and never rewritten, each one the
snapshot names was written before it. A manifest lists every file with its SHA-256, checked again on restore."""

import hashlib
import json
import sqlite3
import subprocess
from pathlib import Path

from flask import current_app
from peewee import PostgresqlDatabase

from console.errors import RuleViolation
from console.infra import clock, storage
from models import SchemaVersion, db

MANIFEST = "manifest.json"
SQLITE_FILE, PG_FILE = "database.sqlite3", "database.pgdump"


def backup(directory, copy_files=True):
    """Write the snapshot into `directory` (new or empty); returns the manifest. With copy_files False the
    files are only listed, for an object store that keeps its own versions."""
    target = Path(directory)
    if target.exists() and any(target.iterdir()):
        raise RuleViolation(f"备份目录 {target} 不为空")
    (target / "files").mkdir(parents=True)
    database = _dump_database(target)
    files = {}
    for name in storage.names():
        content = storage.read(name)
        files[name] = hashlib.sha256(content).hexdigest()
        if copy_files:
            (target / "files" / name).write_bytes(content)
    manifest = {"taken_at": clock.now().isoformat(), "database": database, "files": files, "copied": copy_files}
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def restore(directory):
    """Bring a snapshot back into an empty database and storage; every file's checksum is checked first."""
    source = Path(directory)
    manifest = json.loads((source / MANIFEST).read_text())
    if not manifest["copied"]:
        raise RuleViolation("该备份只列出了文件，文件须从对象存储的版本中恢复")
    if SchemaVersion.table_exists() or next(iter(storage.names()), None):
        raise RuleViolation("只能恢复到空的数据库和空的文件存储")
    contents = {}
    for name, checksum in manifest["files"].items():
        content = (source / "files" / name).read_bytes()
        if hashlib.sha256(content).hexdigest() != checksum:
            raise RuleViolation(f"备份中的文件 {name} 已损坏（校验值不符），未恢复任何数据")
        contents[name] = content
    _load_database(source, manifest["database"])
    for name, content in contents.items():
        storage.write(name, content)
    return manifest


def _dump_database(target):
    url = current_app.config["DATABASE_URL"]
    if isinstance(db.obj, PostgresqlDatabase):
        _run("pg_dump", "--format=custom", "--no-owner", f"--file={target / PG_FILE}", _plain(url))
        return PG_FILE
    with db.connection_context():
        copy = sqlite3.connect(target / SQLITE_FILE)
        db.connection().backup(copy)
        copy.close()
    return SQLITE_FILE


def _load_database(source, kind):
    url = current_app.config["DATABASE_URL"]
    if kind == PG_FILE:
        if not isinstance(db.obj, PostgresqlDatabase):
            raise RuleViolation("该备份来自 PostgreSQL，请设置 DATABASE_URL 为 PostgreSQL 后恢复")
        _run("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={_plain(url)}", str(source / PG_FILE))
        return
    if isinstance(db.obj, PostgresqlDatabase):
        raise RuleViolation("该备份来自 SQLite，请设置 DATABASE_URL 为 SQLite 后恢复")
    snapshot = sqlite3.connect(source / SQLITE_FILE)
    with db.connection_context():
        snapshot.backup(db.connection())
    snapshot.close()


def _plain(url):
    """The URL as libpq reads it: without peewee's `+pool`."""
    return url.replace("+pool", "")


def _run(*command):
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise RuleViolation(f"{command[0]} 失败：{done.stderr.strip()[:500]}")
