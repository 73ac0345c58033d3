"""Operations: the load balancer's probes, Prometheus' metrics, and one JSON log line per request.

/healthz answers as soon as the process does. /readyz asks the database, the stored files and the job queue,
each for at most CHECK_TIMEOUT, and names the parts that failed. /metrics is served to this machine (loopback,
not forwarded by a proxy) or with `Authorization: Bearer <METRICS_TOKEN>`; to anyone else it is a 404 like any
unknown page. create_app calls ops.init_app first after the configuration, so that its hooks run before all
others: every request gets its id and its timing, and the three endpoints are answered before the other hooks
run. A probe thus takes no connection from the database hook (it must not fail because the database is down,
nor wait for it), reads no session, and never meets the limiter or Talisman's HTTPS redirect; the three are
also exempt from rate limits by name.

Metrics: prometheus-flask-exporter's request latency histogram, grouped by endpoint so that ids in paths make no
labels (flask_http_request_duration_seconds{method,endpoint,status}); the audited events by action
(accountants_events_total{action}, counted by console.infra.audit.record); and gauges read at each scrape from the
database and the queue (accountants_queue_depth, accountants_outbox_pending, accountants_outbox_failed,
accountants_jobs_running).

Several worker processes (gunicorn -w 4): set PROMETHEUS_MULTIPROC_DIR to an empty folder in the server's
environment before it starts, and empty it at each start. prometheus_client chooses per-process files when it is
imported, so every worker writes its counts there, and a scrape of any one worker adds all of them up
(gunicorn.conf.py's child_exit marks an ended worker's files). This uses the exporter's PrometheusMetrics with a
registry of the app's own, not its GunicornInternalPrometheusMetrics: with the variable set, either one's own
endpoint serves a registry made afresh at each scrape, which has the MultiProcessCollector but not the gauges
read at scrape time. So the exporter only counts here, and /metrics serves a registry that has both."""

import hmac
import ipaddress
import json
import logging
import os
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from time import monotonic, perf_counter

from flask import Blueprint, abort, current_app, g, jsonify, request
from flask_login import current_user
from peewee import PeeweeException
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_flask_exporter import PrometheusMetrics

from console.extensions import limiter
from console.infra import audit, storage
from models import Job, OutboxMessage, db

bp = Blueprint("ops", __name__)
OPS = {"ops.healthz", "ops.readyz", "ops.metrics"}
CHECK_TIMEOUT = 3  # seconds a readiness check may take; the balancer probes every few seconds
PROBE_FILE = "0" * 32 + ".jpg"  # a valid name that is never generated: asking for it is the cheapest question
REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")  # one the balancer sent is kept if it looks like this

log = logging.getLogger(__name__)
request_log = logging.getLogger("accountants.request")


def init_app(app):
    app.before_request(_begin)
    exporter = PrometheusMetrics(
        app, path=None, registry=CollectorRegistry(), group_by="endpoint", excluded_paths="^/metrics$"
    )
    app.before_request(_answer_ops)
    app.after_request(_finish)
    app.extensions["metrics"] = _served_registry(app, exporter.registry)
    app.register_blueprint(bp)
    if not logging.getLogger().handlers and not request_log.handlers:
        request_log.addHandler(logging.StreamHandler())  # gunicorn and `flask run` configure no logging for it
        request_log.setLevel(logging.INFO)


def _served_registry(app, counted):
    """In one process, the exporter's own registry and the events; under several, what every process wrote to
    PROMETHEUS_MULTIPROC_DIR. The gauges either way, read once per scrape: they are the same for every worker."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = counted
        registry.register(audit.EVENTS)
    registry.register(Backlog(app))
    return registry


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """The process answers; nothing else is asked, so that an outage of the database restarts no worker."""
    return {"status": "ok"}


def _database(app):
    with db.connection_context():
        db.execute_sql("SELECT 1")


def _storage(app):
    with app.app_context():
        storage.exists(PROBE_FILE)


def _queue_depth(app):
    return app.extensions["huey"].pending_count()


CHECKS = {"database": _database, "storage": _storage, "queue": _queue_depth}
# One thread per check and process: a part that hangs holds its one thread, however often the balancer asks.
_RUNNERS = {name: ThreadPoolExecutor(1, thread_name_prefix=f"readyz-{name}") for name in CHECKS}


@bp.get("/readyz")
@limiter.exempt
def readyz():
    """Whether this process can serve: 200 when every part answers in time, else 503 naming those that did not,
    each by the kind of its error only (a message may hold an address or a user name)."""
    app = current_app._get_current_object()
    asked = {name: _RUNNERS[name].submit(check, app) for name, check in CHECKS.items()}
    deadline = monotonic() + CHECK_TIMEOUT
    checks = {name: _outcome(name, future, deadline) for name, future in asked.items()}
    failed = [name for name, outcome in checks.items() if outcome != "ok"]
    if failed:
        return jsonify(status="unavailable", failed=failed, checks=checks), 503
    return jsonify(status="ready", checks=checks)


def _outcome(name, future, deadline):
    try:
        future.result(timeout=max(deadline - monotonic(), 0))
    except TimeoutError:
        future.cancel()  # still waiting behind a check that hangs: it will not run
        log.warning("readiness: %s did not answer within %s s", name, CHECK_TIMEOUT)
        return "error: timeout"
    except Exception as error:  # whatever the part raised, it is not ready
        log.warning("readiness: %s failed: %s: %s", name, type(error).__name__, error)
        return f"error: {type(error).__name__}"
    return "ok"


@bp.get("/metrics")
@limiter.exempt
def metrics():
    if not _may_scrape():
        abort(404)
    return generate_latest(current_app.extensions["metrics"]), {"Content-Type": CONTENT_TYPE_LATEST}


def _may_scrape():
    """With the token, or straight from this machine: a request a proxy forwarded came from elsewhere, even when
    the proxy runs here."""
    token = current_app.config["METRICS_TOKEN"]
    if token and hmac.compare_digest(request.headers.get("Authorization", "").encode(), f"Bearer {token}".encode()):
        return True
    forwarded = "X-Forwarded-For" in request.headers or "Forwarded" in request.headers
    return not forwarded and _loopback(request.remote_addr)


def _loopback(address):
    try:
        return ipaddress.ip_address(address or "").is_loopback
    except ValueError:  # a Unix socket's peer has no address
        return False


def _outbox_pending(app):
    return _count(
        OutboxMessage,
        OutboxMessage.delivered_at.is_null(),
        OutboxMessage.cancelled_at.is_null(),
        OutboxMessage.failed_at.is_null(),
    )


def _outbox_failed(app):
    return _count(OutboxMessage, OutboxMessage.failed_at.is_null(False))


def _jobs_running(app):
    return _count(Job, Job.state == "running")


def _count(model, *where):
    with db.connection_context():
        return model.select().where(*where).count()


GAUGES = {
    "accountants_queue_depth": ("Jobs waiting in the queue", _queue_depth),
    "accountants_outbox_pending": ("Outbox messages not yet delivered, withdrawn or given up on", _outbox_pending),
    "accountants_outbox_failed": ("Outbox messages given up on after a day of failures", _outbox_failed),
    "accountants_jobs_running": ("Background jobs running", _jobs_running),
}


class Backlog:
    """The gauges, read at each scrape (a prometheus_client collector). One that cannot be read is left out, so
    that the scrape still carries the request metrics, which matter most when the database is what failed."""

    def __init__(self, app):
        self.app = app

    def describe(self):
        return [GaugeMetricFamily(name, text) for name, (text, _) in GAUGES.items()]

    def collect(self):
        for name, (text, read) in GAUGES.items():
            try:
                value = read(self.app)
            except Exception as error:  # the database or the queue, whatever it raised
                log.warning("metrics: %s not read: %s: %s", name, type(error).__name__, error)
                continue
            yield GaugeMetricFamily(name, text, value=value)


def _begin():
    g.request_started = perf_counter()
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if REQUEST_ID.fullmatch(given) else secrets.token_hex(16)


def _answer_ops():
    """The ops endpoints, answered before the hooks registered after this one (see above)."""
    if request.endpoint in OPS:
        return current_app.dispatch_request()
    return None


def _finish(response):
    """The request's id back to the balancer, and its log line: what was asked and how it went, never what the
    URL or the form carried (a search's query holds ID numbers and phones)."""
    response.headers["X-Request-ID"] = g.request_id
    if not (request.endpoint or "").endswith("static"):
        line = {
            "request_id": g.request_id,
            "method": request.method,
            "endpoint": request.endpoint,
            "status": response.status_code,
            "duration_ms": round((perf_counter() - g.request_started) * 1000, 1),
            "account_id": _account_id(),
        }
        request_log.info(json.dumps(line))
    return response


def _account_id():
    """The signed-in account's, as the session rules loaded it; none for the ops endpoints, answered before the
    session is read (reading it may ask the database), nor when the database failed the request."""
    if request.endpoint in OPS:
        return None
    try:
        return current_user.id if current_user.is_authenticated else None
    except PeeweeException:
        return None
