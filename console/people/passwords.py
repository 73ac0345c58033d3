"""Password hashing and strength rules, one place for staff and accountants."""

import re
import secrets
import string

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from console.errors import RuleViolation

STAFF_RULE = {"min_length": 8, "classes": 3}
_CLASSES = (re.compile(r"[a-z]"), re.compile(r"[A-Z]"), re.compile(r"\d"), re.compile(r"[^a-zA-Z\d]"))


def hash_password(password):
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def password_matches(password_hash, password):
    return check_password_hash(password_hash, password)


def check_strength(password, min_length, classes, letters_digits_only=False):
    """Refuse a password shorter than min_length or drawing on fewer than `classes` of
    lower case, upper case, digits and symbols."""
    if letters_digits_only and not (password.isascii() and password.isalnum()):
        raise RuleViolation("密码只能由字母和数字组成，不能输入特殊符号")
    if len(password) < min_length:
        raise RuleViolation(f"密码至少 {min_length} 位")
    if sum(1 for c in _CLASSES if c.search(password)) < classes:
        raise RuleViolation(f"密码须包含大写字母、小写字母、数字、符号中的至少 {classes} 类")


def generate_password():
    """A random staff password that meets STAFF_RULE, for new accounts and resets."""
    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(10)) + secrets.choice("#%+=@")
        try:
            check_strength(candidate, **STAFF_RULE)
            return candidate
        except RuleViolation:
            continue
