"""Password hashing and strength rules, one place for staff and accountants."""

import re
import secrets
import string
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from console.errors import RuleViolation

STAFF_RULE = {"min_length": 8, "classes": 3}
_CLASSES = (re.compile(r"[a-z]"), re.compile(r"[A-Z]"), re.compile(r"\d"), re.compile(r"[^a-zA-Z\d]"))
# What a profile may require to appear, each at least once, and how the message names it.
CLASSES = {
    "letter": (re.compile(r"[a-zA-Z]"), "字母"),
    "digit": (re.compile(r"\d"), "数字"),
    "symbol": (re.compile(r"[^a-zA-Z\d]"), "特殊字符"),
}


ARGON2ID = "argon2id"
# OWASP's first argon2id setting (19 MiB, two passes, one lane): about 25 ms of CPU a check, where Werkzeug's
# default scrypt (32 MiB, below OWASP's own scrypt settings) takes 135 ms, a third of a sign-in server's CPU.
_ARGON2 = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


def hash_password(password):
    method = current_app.config["PASSWORD_HASH_METHOD"]
    return _ARGON2.hash(password) if method == ARGON2ID else generate_password_hash(password, method=method)


def password_matches(password_hash, password):
    """Checks hashes of either kind: the ones written before argon2id are Werkzeug's (scrypt, pbkdf2)."""
    if not password_hash.startswith("$argon2"):
        return check_password_hash(password_hash, password)
    try:
        return _ARGON2.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def outdated(password_hash):
    """Whether a hash that just matched should be written again with today's method and its settings."""
    if current_app.config["PASSWORD_HASH_METHOD"] != ARGON2ID:
        return False
    return not password_hash.startswith("$argon2") or _ARGON2.check_needs_rehash(password_hash)


def check_nothing(password):
    """Take as long as password_matches does, for a name with no account: the time of the answer to a
    sign-in does not tell whether the account exists."""
    password_matches(_stand_in(current_app.config["PASSWORD_HASH_METHOD"]), password)


@cache
def _stand_in(method):
    stand_in = secrets.token_urlsafe(16)
    return _ARGON2.hash(stand_in) if method == ARGON2ID else generate_password_hash(stand_in, method=method)


def check_strength(password, min_length, classes, letters_digits_only=False, required=()):
    """Refuse a password shorter than min_length, drawing on fewer than `classes` of lower case, upper case,
    digits and symbols, or lacking any of the `required` CLASSES (内蒙古: 字母、数字及特殊字符, 002 §三.4)."""
    if letters_digits_only and not (password.isascii() and password.isalnum()):
        raise RuleViolation("密码只能由字母和数字组成，不能输入特殊符号")
    if len(password) < min_length:
        raise RuleViolation(f"密码至少 {min_length} 位")
    if sum(1 for c in _CLASSES if c.search(password)) < classes:
        raise RuleViolation(f"密码须包含大写字母、小写字母、数字、符号中的至少 {classes} 类")
    lacking = [label for name, (pattern, label) in CLASSES.items() if name in required and not pattern.search(password)]
    if lacking:
        labels = "、".join(CLASSES[name][1] for name in required)
        raise RuleViolation(f"密码须同时包含{labels}，缺少{'、'.join(lacking)}")


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
