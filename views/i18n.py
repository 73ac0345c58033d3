"""Chinese UI: Flask-Babel fixed to zh_Hans_CN, and Flask-Admin's catalogue compiled from its
shipped .po (its shipped .mo lacks strings) into the instance folder."""

from pathlib import Path

import flask_admin
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from console.extensions import babel

LOCALE = "zh_Hans_CN"


def init_app(app):
    babel.init_app(app, locale_selector=lambda: LOCALE, timezone_selector=lambda: "Asia/Shanghai")
    app.extensions["admin_translations"] = str(compile_admin_catalogue(Path(app.instance_path) / "translations"))


def compile_admin_catalogue(target):
    source = Path(flask_admin.__file__).parent / "translations" / LOCALE / "LC_MESSAGES" / "admin.po"
    compiled = target / LOCALE / "LC_MESSAGES" / "admin.mo"
    if not compiled.exists() or compiled.stat().st_mtime < source.stat().st_mtime:
        compiled.parent.mkdir(parents=True, exist_ok=True)
        with source.open("rb") as po:
            catalog = read_po(po, locale=LOCALE)
        with compiled.open("wb") as mo:
            write_mo(mo, catalog)
    return target
