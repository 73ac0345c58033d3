from peewee import DateTimeField, IntegerField

from models.base import BaseModel


class SchemaVersion(BaseModel):
    """数据库版本: which migrations of console.migrations an existing database has had."""

    version = IntegerField(primary_key=True)
    applied_at = DateTimeField()
