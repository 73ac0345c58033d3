"""The accountant-registry review console: create_app() wires configuration and extensions."""
from pathlib import Path

from flask import Flask

from console import auth, cli, config, database, headers, i18n, notifier, profiles
from console.extensions import csrf
from views import console as console_views
from views import entry_filing, errors, files, portal, public, wizard

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides=None):
    app = Flask(__name__, instance_path=str(ROOT / "instance"),
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    config.init_app(app, overrides)
    profiles.init_app(app)
    database.init_app(app)
    i18n.init_app(app)
    csrf.init_app(app)
    headers.init_app(app)
    auth.init_app(app)
    notifier.init_app(app)
    errors.init_app(app)
    public.init_app(app)
    portal.init_app(app)
    files.init_app(app)
    wizard.init_app(app)
    entry_filing.init_app(app)
    console_views.init_app(app)
    cli.init_app(app)
    return app
