"""Work on many rows in bounded pieces, so memory stays flat whatever the table's size."""

import itertools

from peewee import PostgresqlDatabase
from psycopg2.extras import execute_values

from models import db


def chunks(items, size=5000):
    """Lists of up to `size` items from any iterable."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def insert_rows(model, fields, rows):
    """INSERT many rows the fast way of each database: peewee's insert_many builds the SQL value by
    value, which for an import of 100,000 rows costs more than the database does. SQLite takes an
    executemany; PostgreSQL multi-row VALUES (psycopg2's executemany would make a round trip a row).
    Values pass through each field's db_value, as peewee would."""
    columns = ", ".join(f'"{field.column_name}"' for field in fields)  # both databases quote so
    converters = [field.db_value for field in fields]
    values = [[convert(v) for convert, v in zip(converters, row)] for row in rows]
    table = f'"{model._meta.table_name}"'
    if isinstance(db.obj, PostgresqlDatabase):
        execute_values(db.cursor(), f"INSERT INTO {table} ({columns}) VALUES %s", values, page_size=1000)
    else:
        db.cursor().executemany(f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(fields))})", values)
