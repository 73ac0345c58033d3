"""Substring search in names, answered by an index on either database: from three characters on, a
trigram index (FTS5's trigram tokenizer on SQLite, pg_trgm's GIN on PostgreSQL) finds the names that
contain what was typed, wherever in the name. One or two characters have no trigram: the caller searches
those as a name's beginning instead."""

from peewee import SQL, PostgresqlDatabase

from models import db

MIN_LENGTH = 3
INDEXED = ("accountant", "unit")  # each table's `name`


def install():
    """Create the indexes (and on SQLite the triggers that keep them) if missing, and fill them."""
    for table in INDEXED:
        if isinstance(db.obj, PostgresqlDatabase):
            db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            db.execute_sql(f"CREATE INDEX IF NOT EXISTS {table}_name_trgm ON {table} USING gin (name gin_trgm_ops)")
            continue
        search = _search_table(table)
        db.execute_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {search} USING fts5"
            f"(name, content='{table}', content_rowid='id', tokenize='trigram')"
        )
        added = f"INSERT INTO {search}(rowid, name) VALUES (new.id, new.name);"
        removed = f"INSERT INTO {search}({search}, rowid, name) VALUES ('delete', old.id, old.name);"
        for event, body in (("INSERT", added), ("DELETE", removed), ("UPDATE OF name", removed + added)):
            name = f"{search}_{event.split()[0].lower()}"
            db.execute_sql(f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {table} BEGIN {body} END")
        db.execute_sql(f"INSERT INTO {search}({search}) VALUES ('rebuild')")


def containing(model, term):
    """The ids of `model`'s rows whose name contains `term` (of at least MIN_LENGTH characters)."""
    if isinstance(db.obj, PostgresqlDatabase):
        return model.select(model.id).where(model.name.contains(term))
    search = _search_table(model._meta.table_name)
    phrase = '"' + term.replace('"', '""') + '"'  # a phrase of the term's trigrams: the term as a substring
    return SQL(f"(SELECT rowid FROM {search} WHERE {search} MATCH ?)", [phrase])


def _search_table(table):
    return f"{table}_name_search"
