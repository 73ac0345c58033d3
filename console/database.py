"""Binds the models to the database named by DATABASE_URL, one connection per request."""
from playhouse.db_url import connect

from models import db

# WAL with synchronous=NORMAL: a commit is durable at the next checkpoint, not fsynced one by one,
# and the file can never be corrupted by a crash (https://sqlite.org/wal.html#performance_considerations).
SQLITE_PRAGMAS = {"journal_mode": "wal", "synchronous": "normal", "foreign_keys": 1, "busy_timeout": 5000,
                  "cache_size": -32000}


def init_app(app):
    db.initialize(open_database(app.config["DATABASE_URL"]))
    app.before_request(_open)
    app.teardown_appcontext(_close)


def open_database(url):
    if url.startswith("sqlite"):
        return connect(url, pragmas=SQLITE_PRAGMAS)
    return connect(url)


def _open():
    db.connect(reuse_if_open=True)


def _close(exc):
    if not db.is_closed():
        db.close()
