"""Configuration from the environment, with defaults that run on a fresh machine."""

import hashlib
import hmac
import os
import secrets
from datetime import timedelta
from pathlib import Path

import pylopdf_fonts_zh_cn

ALIYUN_SMS = (  # NOTIFIER=aliyun: Alibaba Cloud SMS (console.infra.aliyun_sms)
    "ALIYUN_SMS_ACCESS_KEY_ID",
    "ALIYUN_SMS_ACCESS_KEY_SECRET",
    "ALIYUN_SMS_SIGN_NAME",  # the approved 签名, without 【】
    "ALIYUN_SMS_TEMPLATES",  # JSON: {message key: approved template code}, e.g. {"code": "SMS_123456789"}
    "ALIYUN_SMS_ENDPOINT",  # empty: the provider's own
)
S3 = (  # STORAGE_URL=s3://bucket/prefix: the stored files in a bucket (console.infra.storage)
    "S3_ENDPOINT_URL",  # empty: AWS; SeaweedFS or MinIO, e.g. http://127.0.0.1:8333
    "AWS_ACCESS_KEY_ID",  # empty: boto3's own search (an instance role, ~/.aws)
    "AWS_SECRET_ACCESS_KEY",
)


def init_app(app, overrides=None):
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        DATABASE_URL=os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'app.db'}",
        SECRET_KEY=os.environ.get("SECRET_KEY"),
        PRODUCTION=os.environ.get("PRODUCTION") == "1",
        PROVINCE=os.environ.get("PROVINCE", "neimenggu"),
        STORAGE_DIR=os.environ.get("STORAGE_DIR") or str(instance / "storage"),
        STORAGE_URL=os.environ.get("STORAGE_URL", ""),  # s3://bucket/prefix; empty: the folder STORAGE_DIR
        **{key: os.environ.get(key, "") for key in S3},
        AWS_REGION=os.environ.get("AWS_REGION", "us-east-1"),
        NOTIFIER=os.environ.get("NOTIFIER", "outbox"),  # SMS: outbox (prints), aliyun, or package.module:Class
        # 调转 packages are signed with this key (HMAC-SHA256): provinces that exchange archives agree on one and each
        # sets it (docs/transfer-format.md); unset, one derived from SECRET_KEY, which signs for this installation only
        TRANSFER_SIGNING_KEY=os.environ.get("TRANSFER_SIGNING_KEY", ""),
        # 已在他省建档: who answers it (console.archive.duplicates), package.module:Class
        DUPLICATE_CHECK=os.environ.get("DUPLICATE_CHECK", "console.archive.duplicates:KnownHere"),
        **{key: os.environ.get(key, "") for key in ALIYUN_SMS},
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
        PASSWORD_HASH_METHOD="argon2id",  # or a Werkzeug method (the tests: a fast pbkdf2)
        LOGIN_MAX_FAILURES=5,
        LOGIN_LOCK_DURATION=timedelta(minutes=15),
        BABEL_DEFAULT_LOCALE="zh_Hans_CN",
        BABEL_DEFAULT_TIMEZONE="Asia/Shanghai",
        WTF_I18N_ENABLED=False,  # views.forms.Form keeps WTForms' Chinese catalogue for the process instead
        MAX_CONTENT_LENGTH=10 * 1024 * 1024,
        REDIS_URL=os.environ.get("REDIS_URL", ""),  # the job queue (and nothing else) in Redis when set
        JOBS_QUEUE=os.environ.get("JOBS_QUEUE", "accountants"),
        JOBS_DB=os.environ.get("JOBS_DB")
        or str(instance / "jobs.db"),  # the queue without Redis: a SQLite file beside the database
        JOBS_IMMEDIATE=False,  # tests only: a job runs inside the call that queues it
        # the font of the generated PDFs (console.content.documents), a TTF or OTF such as a bureau's 仿宋
        PDF_FONT=os.environ.get("PDF_FONT") or str(pylopdf_fonts_zh_cn.serif_path()),
        EXPORT_INLINE_ROWS=10_000,  # a longer export is made by the worker and kept a day for its asker
        SETTINGS_RECHECK_SECONDS=1.0,  # how soon another worker sees the province admin's settings
        RATELIMIT_STORAGE_URI=os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        RATELIMIT_KEY_PREFIX="accountants",
        RATELIMIT_ENABLED=os.environ.get("RATELIMIT_ENABLED", "1") == "1",
        METRICS_TOKEN=os.environ.get("METRICS_TOKEN", ""),  # /metrics from elsewhere than this machine: Bearer <token>
    )
    app.config.from_mapping(overrides or {})
    if app.config["PRODUCTION"]:
        _check_production(app.config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(instance)
    if not app.config["TRANSFER_SIGNING_KEY"]:
        secret = app.config["SECRET_KEY"].encode()
        app.config["TRANSFER_SIGNING_KEY"] = hmac.new(secret, b"transfer-signing", hashlib.sha256).hexdigest()


def _check_production(config):
    """Under the production server (PRODUCTION=1, set by gunicorn.conf.py) a secret generated on one machine,
    or a database only one machine can open, would split a province's workers: refuse to start."""
    if len(config["SECRET_KEY"] or "") < 32:
        raise RuntimeError("生产模式需要设置 SECRET_KEY（至少 32 个字符的随机串，所有机器相同）")
    if config["DATABASE_URL"].startswith("sqlite"):
        raise RuntimeError("生产模式需要 PostgreSQL：请设置 DATABASE_URL=postgresql://…")


def _instance_secret(instance):
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
