"""Where scans live: STORAGE_DIR (outside static/), under random names, never the uploader's file name."""

import os
import re
import secrets
from datetime import UTC
from pathlib import Path

from flask import current_app

STORED_NAME = re.compile(r"^[0-9a-f]{32}(\.thumb)?\.(jpg|png)$")


def save(content, suffix):
    """Write content under a new random name; returns the name."""
    name = secrets.token_hex(16) + suffix
    write(name, content)
    return name


def write(name, content):
    path = path_for(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(content)
    os.replace(partial, path)


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
