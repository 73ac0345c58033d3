"""Schema upgrades keep every row: a fresh database gets the schema, an old one its missing migrations."""
from peewee import CharField, SqliteDatabase
from playhouse.migrate import migrate

from console import clock, migrations
from models import Authority, SchemaVersion, db


def test_a_migration_upgrades_an_existing_database_without_losing_rows(tmp_path, monkeypatch):
    previous = db.obj
    db.initialize(SqliteDatabase(str(tmp_path / "old.db")))
    try:
        assert migrations.upgrade() == [migrations.BASE_VERSION]
        with db.connection_context():
            Authority.create(code="15", name="内蒙古自治区财政厅", level="province", updated_at=clock.now())

        monkeypatch.setitem(migrations.MIGRATIONS, 2,
                            lambda m: migrate(m.add_column("authority", "fax", CharField(default=""))))
        assert migrations.upgrade() == [2]
        assert migrations.upgrade() == []
        with db.connection_context():
            assert "fax" in [c.name for c in db.get_columns("authority")]
            assert [a.name for a in Authority.select()] == ["内蒙古自治区财政厅"]
            assert [v.version for v in SchemaVersion.select().order_by(SchemaVersion.version)] == [1, 2]
    finally:
        db.initialize(previous)
