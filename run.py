"""python run.py → the dev server on 127.0.0.1:5000 (SQLite by default), demo data on first start."""

import logging
import signal

import click

from console import create_app, migrations
from console.cli import print_accounts
from console.infra import dictionaries
from console.org import authorities
from models import db
from tools import demo
from views import security

app = create_app({"SESSION_COOKIE_SECURE": False})  # the dev server speaks plain HTTP on loopback


def prepare():
    migrations.upgrade()
    profile = app.extensions["profile"]
    with db.connection_context():
        dictionaries.load_dictionaries()  # all three idempotent; they keep what the console changed
        dictionaries.load_reason_templates()
        authorities.load_authorities(profile)
        created = demo.load_demo(profile)
    if created:
        click.echo(f"首次启动（{profile.name}），已创建演示账号，密码只显示这一次：")
        print_accounts(created)


def start_worker():
    """The worker's consumer in this process (production runs `flask --app console worker`): its threads
    run the jobs and the periodic work; Ctrl-C still stops the server, which the consumer's own signal
    handlers would only note."""
    consumer = app.extensions["huey"].create_consumer(workers=2, worker_type="thread", periodic=True)
    consumer.start()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.default_int_handler)
    return consumer


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")  # SMS codes show here
    with app.app_context():
        prepare()
    consumer = start_worker()
    try:
        app.run(host="127.0.0.1", port=5000, request_handler=security.QuietRequestHandler)
    finally:
        consumer.stop()
