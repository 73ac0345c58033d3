"""The database handle every model binds to; `console.database` points it at SQLite or PostgreSQL."""

from peewee import DatabaseProxy, Model

db = DatabaseProxy()


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False
