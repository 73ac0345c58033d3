"""Work on many rows in bounded pieces, so memory stays flat whatever the table's size."""
import itertools

from models import db


def chunks(items, size=5000):
    """Lists of up to `size` items from any iterable."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def insert_rows(model, fields, rows):
    """INSERT many rows in one executemany: peewee's insert_many builds the SQL value by value, which
    for an import of 100,000 rows costs more than the database does. Values pass through each
    field's db_value, as peewee would."""
    columns = ", ".join(f'"{field.column_name}"' for field in fields)
    marks = ", ".join([db.param] * len(fields))
    sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'  # both databases quote so
    converters = [field.db_value for field in fields]
    db.cursor().executemany(sql, [[convert(v) for convert, v in zip(converters, row)] for row in rows])
