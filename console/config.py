"""Configuration from the environment, with defaults that run on a fresh machine."""

import os
import secrets
from datetime import timedelta
from pathlib import Path


def init_app(app, overrides=None):
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        DATABASE_URL=os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'app.db'}",
        SECRET_KEY=os.environ.get("SECRET_KEY"),
        PROVINCE=os.environ.get("PROVINCE", "neimenggu"),
        STORAGE_DIR=os.environ.get("STORAGE_DIR") or str(instance / "storage"),
        NOTIFIER=os.environ.get("NOTIFIER", "outbox"),
        MAIL_SERVER=os.environ.get("MAIL_SERVER", ""),  # e-mail by SMTP when set
        MAIL_PORT=int(os.environ.get("MAIL_PORT", "587")),
        MAIL_TLS=os.environ.get("MAIL_TLS", "1") == "1",
        MAIL_USERNAME=os.environ.get("MAIL_USERNAME", ""),
        MAIL_PASSWORD=os.environ.get("MAIL_PASSWORD", ""),
        MAIL_FROM=os.environ.get("MAIL_FROM", "noreply@localhost"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=os.environ.get("SESSION_COOKIE_SECURE", "1") == "1",  # 0 only where HTTP is all there is
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=30),
        IDLE_TIMEOUT=timedelta(minutes=30),
        PASSWORD_HASH_METHOD="scrypt",
        LOGIN_MAX_FAILURES=5,
        LOGIN_LOCK_DURATION=timedelta(minutes=15),
        BABEL_DEFAULT_LOCALE="zh_Hans_CN",
        BABEL_DEFAULT_TIMEZONE="Asia/Shanghai",
        WTF_I18N_ENABLED=False,  # views.forms.Form keeps WTForms' Chinese catalogue for the process instead
        MAX_CONTENT_LENGTH=10 * 1024 * 1024,
        RATELIMIT_STORAGE_URI=os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        RATELIMIT_KEY_PREFIX="accountants",
    )
    app.config.from_mapping(overrides or {})
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(instance)


def _instance_secret(instance):
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
