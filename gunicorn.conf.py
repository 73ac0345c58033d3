"""The production server: `gunicorn -c gunicorn.conf.py` (README "Run in production").

Workers are processes that keep nothing another needs (sessions, captchas, claims and counters live in the
database, limits and jobs in Redis), so any number of them on any number of machines serve one province."""

import multiprocessing
import os

import gunicorn.http.wsgi

wsgi_app = "console:create_app()"
bind = os.environ.get("BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))  # a scan upload waits on the database and the storage
timeout = 60  # the longest request: an inline export of EXPORT_INLINE_ROWS rows, a large scan re-encoded
graceful_timeout = 30
keepalive = 5
max_requests, max_requests_jitter = 20_000, 2_000  # a worker is replaced now and then, never all at once
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")  # the balancer, for X-Forwarded-*
control_socket_disable = True  # operators use signals; one socket per user would clash between servers
raw_env = ["PRODUCTION=1"]  # console.config refuses a development secret or SQLite under this server

accesslog = os.environ.get("ACCESS_LOG", "-")
# The path without its query string: a search's query holds ID numbers and phones, which no log may keep.
access_log_format = '%({x-forwarded-for}i)s %(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms pid=%(p)s'

gunicorn.http.wsgi.SERVER = "console"  # the Server header names neither the server nor its version


def child_exit(server, worker):
    """Prometheus' multiprocess files of a worker that ended are merged into the totals."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
