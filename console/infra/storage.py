"""Where files live: STORAGE_DIR (outside static/), under random names, never the uploader's file name: scans
and their thumbnails, and the spreadsheets the background jobs read (an upload) or write (an export)."""

import os
import re
import secrets
from contextlib import contextmanager
from datetime import UTC
from pathlib import Path

from flask import current_app

STORED_NAME = re.compile(r"^[0-9a-f]{32}((\.thumb)?\.(jpg|png)|\.(csv|xlsx))$")


def save(content, suffix):
    """Write content under a new random name; returns the name."""
    name = secrets.token_hex(16) + suffix
    write(name, content)
    return name


def save_chunks(chunks, suffix):
    """Write an iterable of bytes (an upload read a block at a time, an export as it is made) under a new
    random name; returns the name."""
    name = secrets.token_hex(16) + suffix
    with _writing(name) as partial, partial.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
    return name


def write(name, content):
    with _writing(name) as partial:
        partial.write_bytes(content)


@contextmanager
def _writing(name):
    """A path to write to; the file appears under its name whole, or not at all."""
    path = path_for(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    yield partial
    os.replace(partial, path)


def open_stream(name):
    """The stored file, open for reading in binary."""
    return path_for(name).open("rb")


def path_for(name):
    if not STORED_NAME.match(name):
        raise ValueError(f"not a stored file name: {name!r}")
    return _placed(name)


def _root():
    return Path(current_app.config["STORAGE_DIR"])


def _placed(name):
    return _root() / name[:2] / name


def read(name):
    return path_for(name).read_bytes()


def thumbnail_name(name):
    return name.split(".")[0] + ".thumb.jpg"


def remove(name):
    for stored in (name, thumbnail_name(name)):
        path_for(stored).unlink(missing_ok=True)


def written_before(moment):
    """The names of the files (originals, thumbnails, unfinished writes) last written before `moment`."""
    root, cutoff = _root(), moment.replace(tzinfo=UTC).timestamp()
    if not root.is_dir():
        return []
    return [p.name for p in root.glob("??/*") if p.is_file() and p.stat().st_mtime < cutoff]


def remove_any(name):
    """Remove a stored file whatever its kind (a thumbnail or a write a crash left unfinished)."""
    _placed(name).unlink(missing_ok=True)
