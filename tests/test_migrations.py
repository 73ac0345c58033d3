"""Schema upgrades keep every row: a fresh database gets the schema, an old one its missing migrations."""

import pytest
from peewee import CharField, SqliteDatabase, fn
from playhouse.migrate import migrate

from console import migrations
from console.infra import clock
from models import (
    Accountant,
    AccountSession,
    Authority,
    Captcha,
    Content,
    ContentFile,
    RuleChange,
    SavedFilter,
    SchemaVersion,
    SendingSlot,
    Submission,
    Unit,
    UnitChange,
    db,
)


@pytest.fixture
def upgraded(tmp_path):
    """A database of its own, created at the latest version; the suite's comes back after."""
    previous = db.obj
    db.initialize(SqliteDatabase(str(tmp_path / "own.db")))
    try:
        assert migrations.upgrade() == [migrations.latest_version()]
        yield db
    finally:
        db.initialize(previous)


def add_fax(table):
    return lambda m: migrate(m.add_column(table, "fax", CharField(default="")))


def columns(table):
    with db.connection_context():
        return [c.name for c in db.get_columns(table)]


def test_a_migration_upgrades_an_existing_database_without_losing_rows(upgraded, monkeypatch):
    with db.connection_context():
        Authority.create(code="15", name="内蒙古自治区财政厅", level="province", updated_at=clock.now())

    new = migrations.latest_version() + 1
    monkeypatch.setitem(migrations.MIGRATIONS, new, add_fax("authority"))
    assert migrations.upgrade() == [new]
    assert migrations.upgrade() == []
    assert "fax" in columns("authority")
    with db.connection_context():
        assert [a.name for a in Authority.select()] == ["内蒙古自治区财政厅"]
        assert [v.version for v in SchemaVersion.select().order_by(SchemaVersion.version)] == [
            migrations.latest_version() - 1,
            migrations.latest_version(),
        ]


def test_a_migration_that_fails_halfway_leaves_the_database_as_it_was(upgraded, monkeypatch):
    def half_done(m):
        add_fax("unit")(m)
        raise RuntimeError("磁盘已满")

    first, second = migrations.latest_version() + 1, migrations.latest_version() + 2
    monkeypatch.setitem(migrations.MIGRATIONS, first, add_fax("authority"))
    monkeypatch.setitem(migrations.MIGRATIONS, second, half_done)
    with pytest.raises(RuntimeError, match="磁盘已满"):
        migrations.upgrade()
    assert "fax" not in columns("authority") and "fax" not in columns("unit")  # the one before it too
    with db.connection_context():
        assert SchemaVersion.select(fn.MAX(SchemaVersion.version)).scalar() == migrations.latest_version() - 2


def test_a_database_newer_than_the_code_is_refused(app, upgraded):
    with db.connection_context():
        SchemaVersion.create(version=migrations.latest_version() + 1, applied_at=clock.now())
    refused = app.test_cli_runner().invoke(args=["init-db"])
    assert refused.exit_code == 1
    newer, latest = migrations.latest_version() + 1, migrations.latest_version()
    assert f"数据库版本 {newer} 比本程序（版本 {latest}）新" in refused.output


def without(table, *columns):
    """The table as an older version made it: SQLite drops no column a foreign key names, so copy it."""
    kept = ", ".join(c.name for c in db.get_columns(table) if c.name not in columns)
    db.execute_sql(f"CREATE TABLE {table}_old AS SELECT {kept} FROM {table}")
    db.execute_sql(f"DROP TABLE {table}")
    db.execute_sql(f"ALTER TABLE {table}_old RENAME TO {table}")
    db.execute_sql(f"CREATE UNIQUE INDEX {table}_id ON {table} (id)")  # what the rows pointing at it need


def test_each_migration_brings_a_version_1_database_to_the_schema(tmp_path):
    previous = db.obj
    db.initialize(SqliteDatabase(str(tmp_path / "v1.db")))
    try:
        migrations.upgrade()
        with db.connection_context():
            db.drop_tables([Submission, RuleChange, UnitChange, SavedFilter, AccountSession, SendingSlot])
            db.execute_sql("DROP INDEX collection_status_submitted_at")
            db.execute_sql("DROP INDEX review_event_actor_id_at")
            db.execute_sql("ALTER TABLE filing DROP COLUMN post")
            db.execute_sql("ALTER TABLE filing DROP COLUMN work_started_on")
            without("attachment", "accountant_id")
            without("rule_run", "undone_at", "undone_by_id")
            without("outbox_message", "deliver_after", "delivered_at", "cancelled_at")
            db.execute_sql("ALTER TABLE review_event DROP COLUMN undo")
            SchemaVersion.update(version=1).execute()
        assert migrations.upgrade() == list(range(2, 26))
        with db.connection_context():
            assert Submission.table_exists() and RuleChange.table_exists() and UnitChange.table_exists()
            assert SavedFilter.table_exists() and AccountSession.table_exists() and SendingSlot.table_exists()
            analysed = db.execute_sql("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone()
            assert analysed == (1,)  # statistics again for the tables SQLite rebuilt
            assert {"post", "work_started_on"} <= {c.name for c in db.get_columns("filing")}
            assert {"checks", "changes"} <= {c.name for c in db.get_columns("submission")}
            assert "accountant_id" in {c.name for c in db.get_columns("attachment")}
            assert {"undone_at", "undone_by_id"} <= {c.name for c in db.get_columns("rule_run")}
            assert {"deliver_after", "delivered_at", "cancelled_at"} <= {
                c.name for c in db.get_columns("outbox_message")
            }
            assert "undo" in {c.name for c in db.get_columns("review_event")}
            assert "outbox_message_deliver_after" in {i.name for i in db.get_indexes("outbox_message")}
            names = {i.name for t in ("collection", "review_event") for i in db.get_indexes(t)}
            assert {"collection_status_submitted_at", "review_event_actor_id_at"} <= names
    finally:
        db.initialize(previous)


def test_version_5_keeps_checks_with_submissions_and_drops_what_nothing_wrote(tmp_path):
    previous = db.obj
    db.initialize(SqliteDatabase(str(tmp_path / "v4.db")))
    try:
        migrations.upgrade()
        with db.connection_context():
            db.execute_sql("ALTER TABLE submission DROP COLUMN checks")
            db.execute_sql("ALTER TABLE submission DROP COLUMN changes")
            db.execute_sql("ALTER TABLE review_event ADD COLUMN note TEXT NOT NULL DEFAULT ''")
            db.execute_sql("ALTER TABLE education ADD COLUMN online_code VARCHAR(255) NOT NULL DEFAULT ''")
            db.drop_tables([Captcha])
            SchemaVersion.update(version=4).execute()
        assert migrations.upgrade() == list(range(5, 26))
        with db.connection_context():
            assert {"checks", "changes"} <= {c.name for c in db.get_columns("submission")}
            assert "note" not in {c.name for c in db.get_columns("review_event")}
            assert "online_code" not in {c.name for c in db.get_columns("education")}
            assert Captcha.table_exists()
    finally:
        db.initialize(previous)


def test_version_6_adds_its_columns_to_tables_whose_rows_other_rows_point_at(tmp_path):
    """SQLite adds a NOT NULL column by copying the table: the people at a unit must not stop that."""
    previous = db.obj
    db.initialize(SqliteDatabase(str(tmp_path / "v5.db"), pragmas={"foreign_keys": 1}))
    try:
        migrations.upgrade()
        with db.connection_context():
            root = Authority.create(code="15", name="内蒙古自治区财政厅", level="province", region_code="15")
            unit = Unit.create(
                uscc="911502030000000001", name="示范单位", region_code="150203", authority=root, created_at=clock.now()
            )
            person = Accountant.create(
                id_number="150105199003071244",
                id_tail="1244",
                name="王影",
                phone="13912345678",
                authority=root,
                unit=unit,
                created_at=clock.now(),
            )
            db.execute_sql("ALTER TABLE unit DROP COLUMN assigned")
            db.execute_sql("ALTER TABLE unit DROP COLUMN code_kind")
            SchemaVersion.update(version=5).execute()
        assert migrations.upgrade() == list(range(6, 26))
        with db.connection_context():
            assert {"assigned", "code_kind"} <= {c.name for c in db.get_columns("unit")}
            assert Accountant.get_by_id(person.id).unit_id == unit.id and Unit.get_by_id(unit.id).assigned is False
            assert db.execute_sql("PRAGMA foreign_keys").fetchone() == (1,)
    finally:
        db.initialize(previous)


def test_versions_18_and_19_add_the_published_content_and_the_office_hours(tmp_path):
    previous = db.obj
    db.initialize(SqliteDatabase(str(tmp_path / "v17.db")))
    try:
        migrations.upgrade()
        with db.connection_context():
            Authority.create(code="15", name="内蒙古自治区财政厅", level="province", phones="0471-1234567")
            db.drop_tables([ContentFile, Content])
            without("authority", "office_hours")
            SchemaVersion.update(version=17).execute()
        assert migrations.upgrade() == list(range(18, 26))
        with db.connection_context():
            assert Content.table_exists() and ContentFile.table_exists()
            assert [(a.phones, a.office_hours) for a in Authority.select()] == [("0471-1234567", "")]
    finally:
        db.initialize(previous)
