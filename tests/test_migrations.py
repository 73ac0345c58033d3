"""Schema upgrades keep every row: a fresh database gets the schema, an old one its missing migrations."""

from peewee import CharField, SqliteDatabase
from playhouse.migrate import migrate

from console import migrations
from console.infra import clock
from models import Authority, RuleChange, SchemaVersion, Submission, UnitChange, db


def test_a_migration_upgrades_an_existing_database_without_losing_rows(tmp_path, monkeypatch):
    previous = db.obj
    db.initialize(SqliteDatabase(str(tmp_path / "old.db")))
    try:
        assert migrations.upgrade() == [migrations.latest_version()]
        with db.connection_context():
            Authority.create(code="15", name="内蒙古自治区财政厅", level="province", updated_at=clock.now())

        new = migrations.latest_version() + 1
        monkeypatch.setitem(
            migrations.MIGRATIONS, new, lambda m: migrate(m.add_column("authority", "fax", CharField(default="")))
        )
        assert migrations.upgrade() == [new]
        assert migrations.upgrade() == []
        with db.connection_context():
            assert "fax" in [c.name for c in db.get_columns("authority")]
            assert [a.name for a in Authority.select()] == ["内蒙古自治区财政厅"]
            assert [v.version for v in SchemaVersion.select().order_by(SchemaVersion.version)] == [
                migrations.latest_version() - 1,
                migrations.latest_version(),
            ]
    finally:
        db.initialize(previous)


def test_each_migration_brings_a_version_1_database_to_the_schema(tmp_path):
    previous = db.obj
    db.initialize(SqliteDatabase(str(tmp_path / "v1.db")))
    try:
        migrations.upgrade()
        with db.connection_context():
            db.drop_tables([Submission, RuleChange, UnitChange])
            db.execute_sql("DROP INDEX collection_status_submitted_at")
            db.execute_sql("DROP INDEX review_event_actor_id_at")
            db.execute_sql("ALTER TABLE filing DROP COLUMN post")
            db.execute_sql("ALTER TABLE filing DROP COLUMN work_started_on")
            SchemaVersion.update(version=1).execute()
        assert migrations.upgrade() == [2, 3, 4, 5]
        with db.connection_context():
            assert Submission.table_exists() and RuleChange.table_exists() and UnitChange.table_exists()
            assert {"post", "work_started_on"} <= {c.name for c in db.get_columns("filing")}
            assert {"checks", "changes"} <= {c.name for c in db.get_columns("submission")}
            names = {i.name for t in ("collection", "review_event") for i in db.get_indexes(t)}
            assert {"collection_status_submitted_at", "review_event_actor_id_at"} <= names
    finally:
        db.initialize(previous)
