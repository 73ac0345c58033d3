"""The production stack on loopback, for the smoke test (tests/e2e/test_stack.py) and the load benchmark
(`flask --app console load`): its own PostgreSQL database, Redis for the jobs and the limits, S3 storage,
gunicorn with N workers and a job worker, each process started on a free port and stopped by its own id."""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import requests

from console import ROOT

PG = "postgresql://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379"


@dataclass
class Stack:
    url: str
    env: dict
    folder: Path
    passwords: dict = field(default_factory=dict)
    processes: list = field(default_factory=list)
    app: object = None  # an app of this process on the stack's database, for what a test reads or writes there

    @property
    def secret(self):
        return self.env["SECRET_KEY"]

    @property
    def access_log(self):
        return self.folder / "access.log"

    def flask(self, *args):
        """A command of the app on the stack's database and storage; its output."""
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "console", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise RuntimeError(f"flask {' '.join(args)}: {done.stderr[-2000:]}")
        return done.stdout

    def create_user(self, username, role, authority):
        said = self.flask("create-user", "--username", username, "--role", role, "--authority", authority)
        self.passwords[username] = re.search(r"初始密码：(\S+?)（", said).group(1)

    def stop(self):
        for process in reversed(self.processes):
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()
        postgres(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")

    @property
    def database(self):
        return self.env["DATABASE_URL"].rsplit("/", 1)[1]


def start(folder, storage, name=None):
    """A fresh database `name`, the schema and the authority tree, then gunicorn and a job worker; `storage`
    is the environment that reaches the S3 store (STORAGE_URL and its keys)."""
    folder, name = Path(folder), name or f"stack_{os.getpid()}"
    postgres(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    postgres(f"CREATE DATABASE {name}")
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{name}",
        "SECRET_KEY": secrets.token_hex(32),
        "REDIS_URL": f"{REDIS}/0",
        "JOBS_QUEUE": name,
        "RATELIMIT_STORAGE_URI": f"{REDIS}/1",
        "SESSION_COOKIE_SECURE": "0",  # plain HTTP on loopback
        "PROMETHEUS_MULTIPROC_DIR": str(_emptied(folder / "metrics")),
        **storage,
    }
    import redis

    redis.Redis.from_url(env["RATELIMIT_STORAGE_URI"]).flushdb()  # a former run's counts are no part of this one
    stack = Stack(f"http://127.0.0.1:{_free_port()}", env, folder)
    stack.flask("init-db")
    stack.flask("load-authorities")
    return stack


def serve(stack, workers=4):
    """Start gunicorn and the job worker, and wait until the stack says it is ready."""
    port = stack.url.rsplit(":", 1)[1]
    gunicorn = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
    gunicorn += ["--workers", str(workers), "--access-logfile", str(stack.access_log)]
    stack.processes.append(_started(gunicorn, stack, "gunicorn.out"))
    stack.processes.append(_started([sys.executable, "-m", "flask", "--app", "console", "worker"], stack, "worker.out"))
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"{stack.url}/readyz", timeout=5).status_code == 200:
                return stack
        except requests.RequestException:  # not listening yet, or its workers still starting
            pass
        if time.monotonic() > deadline:
            raise RuntimeError((stack.folder / "gunicorn.out").read_text()[-2000:])
        time.sleep(0.2)


def can_run():
    """PostgreSQL and Redis answer here (the storage is the caller's to provide)."""
    try:
        import redis

        psycopg2.connect(f"{PG}/test").close()
        redis.Redis.from_url(f"{REDIS}/0").ping()
    except Exception:  # whichever part is missing, the stack cannot be built here
        return False
    return True


def postgres(statement):
    connection = psycopg2.connect(f"{PG}/test")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(statement)
    connection.close()


def _started(command, stack, log):
    with open(stack.folder / log, "w") as out:
        return subprocess.Popen(command, cwd=ROOT, env=stack.env, stdout=out, stderr=subprocess.STDOUT)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _emptied(path):
    path.mkdir(parents=True, exist_ok=True)
    for old in path.iterdir():
        old.unlink()
    return path
