from flask_login import UserMixin
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField

from models.accountant import Accountant
from models.authority import Authority
from models.base import BaseModel
from models.choices import Choices
from models.unit import Unit

ROLES = Choices(
    ("province_admin", "省级管理员"),
    ("reviewer", "审核人员"),
    ("unit_head", "单位会计机构负责人"),
    ("accountant", "会计人员"),
    ("auditor", "审计员"),
)
STAFF_ROLES = ("province_admin", "reviewer", "unit_head", "auditor")


class Account(UserMixin, BaseModel):
    """账号: who signs in, with one role and the scope that role works in."""

    username = CharField(unique=True, null=True)  # accountants may sign in by ID or phone instead
    password_hash = CharField()
    role = CharField(choices=ROLES, index=True)
    display_name = CharField(default="")
    authority = ForeignKeyField(Authority, null=True, backref="accounts", on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, null=True, backref="accounts", on_delete="RESTRICT")
    accountant = ForeignKeyField(Accountant, null=True, unique=True, backref="accounts", on_delete="RESTRICT")
    is_enabled = BooleanField(default=True)
    must_change_password = BooleanField(default=False)
    failed_logins = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    last_login_at = DateTimeField(null=True)
    created_at = DateTimeField()

    @property
    def is_active(self):
        return self.is_enabled

    @property
    def role_label(self):
        return dict(ROLES)[self.role]

    def __str__(self):
        return self.display_name or self.username or f"#{self.id}"
