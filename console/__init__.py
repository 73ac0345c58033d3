"""The accountant-registry application: create_app() wires configuration, the database and the web layer.

The web layer (views) is imported inside the factory, as in Flask's tutorial, so the domain packages
below can be imported, tested and run from the command line without loading it."""

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides=None):
    from console import cli, config, profiles, tasks
    from console.extensions import csrf
    from console.infra import database, notifier, storage
    from views import auth, error_pages, files, i18n, limits, ops, portal, public, samples, security, templating
    from views import console as console_views

    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    config.init_app(app, overrides)
    ops.init_app(app)
    profiles.init_app(app)
    database.init_app(app)
    storage.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
    csrf.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    limits.init_app(app)
    notifier.init_app(app)
    tasks.init_app(app)
    error_pages.init_app(app)
    public.init_app(app)
    files.init_app(app)
    samples.init_app(app)
    portal.init_app(app)
    console_views.init_app(app)
    cli.init_app(app)
    return app
