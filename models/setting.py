from peewee import CharField, DateTimeField, ForeignKeyField, TextField

from models.account import Account
from models.base import BaseModel


class ProfileSetting(BaseModel):
    """省份设置的一个版本: one change, by the province admin, of a profile key the console may edit
    (console.profile_settings). Rows are only added: the newest of a key is in force, the older ones are its
    history. `value` is JSON; null puts the profile file's default back."""

    key = CharField()
    value = TextField(null=True)
    previous = TextField(null=True)  # the value in force before, as JSON (the file's when none was set)
    changed_by = ForeignKeyField(Account, on_delete="RESTRICT")
    changed_at = DateTimeField()

    class Meta:
        indexes = ((("key", "id"), False),)
