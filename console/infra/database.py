"""Binds the models to the database named by DATABASE_URL, a pooled connection lent to each request."""

from playhouse.db_url import connect

from models import db

# WAL with synchronous=NORMAL: a commit is durable at the next checkpoint, not fsynced one by one,
# and the file can never be corrupted by a crash (https://sqlite.org/wal.html#performance_considerations).
# mmap reads pages straight from the OS cache: a search that touches a hundred scattered rows is 3× faster.
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "normal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "mmap_size": 1 << 30,
    "cache_size": -32000,
}


def init_app(app):
    db.initialize(open_database(app.config["DATABASE_URL"]))
    app.before_request(_open)
    app.teardown_appcontext(_close)


def open_database(url):
    """A pooled database: a request takes a connection and gives it back, rather than opening one and
    closing it (which for SQLite in WAL mode means a checkpoint whenever the last connection closes)."""
    pooled = url if "+pool" in url else url.replace("://", "+pool://", 1)
    options = {"max_connections": 32, "stale_timeout": 600, "timeout": 10}  # a burst waits for a connection
    if url.startswith("sqlite"):  # the pool lends a connection to one thread at a time
        return connect(pooled, pragmas=SQLITE_PRAGMAS, check_same_thread=False, **options)
    return connect(pooled, **options)


def _open():
    db.connect(reuse_if_open=True)


def _close(exc):
    if not db.is_closed() and not db.in_transaction():  # a transaction outlives the request only in tests
        db.close()


def plain_rows(query):
    """The query's rows as the driver gives them, without peewee's per-value conversion: for ids, text and
    numbers, whose stored value is already the Python value. Peewee spends 7 µs a row converting; the
    authority tree's hundred rows cost a millisecond that way, a tenth of one this way."""
    return db.execute_sql(*query.sql()).fetchall()


class Prepared:
    """A query of one fixed shape that every request makes (the signed-in account): peewee writes its SQL
    once per database kind, not once a request, as writing a joined SELECT costs it more than the database
    spends answering it. `build(*params)` must give a query whose last SQL parameters are exactly `params`;
    any before them are constants of its shape (a join's fixed value), kept as they were written."""

    def __init__(self, build):
        self.build = build
        self.compiled = {}

    def first(self, *params):
        query, sql, constants = self._compiled(params)
        return next(iter(query._get_cursor_wrapper(db.execute_sql(sql, (*constants, *params)))), None)

    def _compiled(self, params):
        dialect = type(db.obj)
        if dialect not in self.compiled:
            query = self.build(*params)
            sql, written = query.sql()
            constants = tuple(written[: len(written) - len(params)])
            if tuple(written[len(constants) :]) != params:
                raise TypeError(f"{self.build.__name__}: the query's parameters {written} do not end with {params}")
            self.compiled[dialect] = query, sql, constants
        return self.compiled[dialect]


class QueryCounter:
    """Counts the statements the database runs inside a `with` block (the benchmark and the tests read it)."""

    def __init__(self, database=None):
        self.database = database or db.obj
        self.count = 0
        self.sql = []

    def __enter__(self):
        original = type(self.database).execute_sql

        def counted(*args, **kwargs):
            self.count += 1
            self.sql.append(str(args[0])[:160])
            return original(self.database, *args, **kwargs)

        self.database.execute_sql = counted
        return self

    def __exit__(self, *exc):
        del self.database.execute_sql  # back to the class's method
