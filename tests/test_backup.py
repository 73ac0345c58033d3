"""A backup restored into an empty database and storage gives back every row and every file."""

import os

import psycopg2
import pytest
from peewee import PostgresqlDatabase

from console import backup
from console.errors import RuleViolation
from console.infra import storage
from models import MODELS, Attachment, db
from tests.factories import submitted

pytestmark = pytest.mark.committing  # the snapshot reads what was committed


def every_row():
    return {m._meta.table_name: list(m.select().order_by(m._meta.primary_key).tuples()) for m in MODELS}


def every_file():
    return {name: storage.read(name) for name in storage.names()}


@pytest.fixture
def empty_target(app, tmp_path):
    """An empty database of the same kind, and an empty storage folder, for the app to restore into."""
    if isinstance(db.obj, PostgresqlDatabase):
        name = f"restore_{os.getpid()}"
        admin = psycopg2.connect(app.config["DATABASE_URL"].replace("+pool", ""))
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name}")
            cursor.execute(f"CREATE DATABASE {name}")
        url = app.config["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
        yield url, tmp_path / "restored-storage"
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()
    else:
        yield f"sqlite:///{tmp_path / 'restored.db'}", tmp_path / "restored-storage"


def test_a_restore_gives_back_every_row_and_every_file(app, scans, tmp_path, empty_target):
    with app.test_request_context():
        submitted(app, scans)
        rows, files = every_row(), every_file()
        assert files and Attachment.select().count() >= 6
        manifest = backup.backup(tmp_path / "backup")
    assert set(manifest["files"]) == set(files)

    from console import create_app

    url, folder = empty_target
    restored = create_app({**app.config, "DATABASE_URL": url, "STORAGE_DIR": str(folder)})
    with restored.test_request_context():
        backup.restore(tmp_path / "backup")
        assert every_row() == rows and every_file() == files
        with pytest.raises(RuleViolation, match="只能恢复到空的数据库和空的文件存储"):
            backup.restore(tmp_path / "backup")


def test_a_damaged_file_restores_nothing(app, scans, tmp_path, empty_target):
    with app.test_request_context():
        submitted(app, scans)
        backup.backup(tmp_path / "backup")
    damaged = next((tmp_path / "backup" / "files").iterdir())
    damaged.write_bytes(damaged.read_bytes()[:-1] + b"x")

    from console import create_app

    url, folder = empty_target
    restored = create_app({**app.config, "DATABASE_URL": url, "STORAGE_DIR": str(folder)})
    with restored.test_request_context():
        with pytest.raises(RuleViolation, match="已损坏（校验值不符），未恢复任何数据"):
            backup.restore(tmp_path / "backup")
        assert not db.table_exists("schema_version") and not list(storage.names())


def test_the_commands_back_up_and_refuse_a_full_directory(app, scans, tmp_path):
    with app.test_request_context():
        submitted(app, scans)
    done = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b")])
    assert done.exit_code == 0 and "已备份" in done.output
    again = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b")])
    assert again.exit_code == 1 and "不为空" in again.output
