"""`flask --app console load`: the production stack on loopback (gunicorn with N workers on PostgreSQL, Redis,
SeaweedFS, a job worker) under locust's users, per request kind: requests per second, p50/p95/p99 and errors.

The dataset is tools.bench's (N accountants, a reviewer per county, their queues), plus portal accountants with
a known password, a confirmed entry filing and a draft. Locust runs as its own process (it patches the standard
library with gevent at import), from tools/locustfile.py; afterwards the database must hold exactly the
decisions and uploads locust saw accepted: none lost, none doubled.

The per-address limits are off on this stack (RATELIMIT_ENABLED=0): every user comes from 127.0.0.1, and the
limiter's refusals are not what is measured (tests/test_limits.py tests them)."""

import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import boto3
import click

import console
from console import ROOT
from console.collection import lifecycle
from console.infra import captcha, clock
from console.people.passwords import hash_password
from models import Account, Accountant, Attachment, Authority, Collection, Filing, PersonalSection, ReviewEvent, db
from tools import bench, fake
from tools import stack as stacks
from tools.seaweed import SeaweedFS

BUCKET = "load"
PASSWORD = "Load#2026"
PORTAL_ACCOUNTS = 300
SPLIT = {"reviewer": 5, "accountant": 4, "public": 1}  # the users' shares: half reviewers, 40% accountants
THINK = (1, 3)  # seconds between a person's steps: a reviewer deciding a case in one to three is a fast one
SCENARIOS = {  # --scenario: (the locustfile's users, whether they pause between steps)
    "mixed": (("Reviewer", "Accountant", "Public"), False),  # everyone at once, no pause: what the workers hold
    "queue": (("QueueReader",), False),  # the queue page's throughput
    "sign_in": (("SigningIn",), False),  # the portal sign-ins' throughput
    "reviewers": (("Reviewer",), True),  # reviewers at work: the latency they see
    "accountants": (("Accountant",), True),  # accountants filling the wizard: the latency they see
}


def run(workers, users, seconds, size, json_path, scenario="mixed"):
    """Start, seed and load the stack with a scenario's users; print the table and the check, and write them
    to `json_path`."""
    classes, pausing = SCENARIOS[scenario]
    folder = Path(tempfile.mkdtemp(prefix="load-"))
    seaweed, previous = SeaweedFS(folder), db.obj
    try:
        storage = {**seaweed.start(BUCKET), "STORAGE_URL": f"s3://{BUCKET}/load-{os.getpid()}"}
        stack = stacks.start(folder, storage)
        try:
            stack.env["RATELIMIT_ENABLED"] = "0"
            config = seed(stack, size, folder, THINK if pausing else None)
            stacks.serve(stack, workers)
            click.echo(
                f"日志在 {folder}；数据已就绪，开始压测（{scenario}）：{users} 个用户，{seconds} 秒，"
                f"{workers} 个 gunicorn 进程"
            )
            stats, cpu = swarm(stack, classes, users, seconds, folder, seaweed.process.pid)
            report = {
                **stats,
                "scenario": scenario,
                "think_s": THINK if pausing else None,
                "workers": workers,
                "users": users,
                "seconds": seconds,
                "accountants": size,
                "check": check(config),
                "cpu_seconds": cpu,
                "server_ms": server_times(stack.folder / "gunicorn.out"),
            }
        finally:
            stack.stop()
    finally:
        if seaweed.process:
            seaweed.stop()
        db.initialize(previous)
    show(report)
    if json_path:
        Path(json_path).write_text(json.dumps(report, ensure_ascii=False, indent=2))


# ---------------------------------------------------------------- the dataset


def seed(stack, size, folder, think):
    """tools.bench's dataset and the portal accountants; the locust configuration that signs them in."""
    app = console.create_app({k: stack.env[k] for k in ("DATABASE_URL", "SECRET_KEY", "STORAGE_URL")})
    with app.app_context(), db.connection_context():
        bench.build(size, app.extensions["profile"])
        reviewers = [
            {"username": name, "password": "Bench#2026"}
            for (name,) in Account.select(Account.username)
            .where(Account.username.startswith("bench-reviewer"))
            .order_by(Account.id)
            .tuples()
        ]
        accountants = _portal_accountants(PORTAL_ACCOUNTS)
    scan = folder / "scan.jpg"
    scan.write_bytes(_scan())
    config = {
        "secret": stack.secret,
        "database_url": stack.env["DATABASE_URL"],
        "alphabet": captcha.ALPHABET,
        "length": captcha.LENGTH,
        "reviewers": reviewers,
        "accountants": accountants,
        "weights": SPLIT,
        "think": think,
        "scan": str(scan),
        "done": str(folder / "done.json"),
        "app": {k: stack.env[k] for k in ("DATABASE_URL", "SECRET_KEY", "STORAGE_URL")},
        "storage": {k: stack.env[k] for k in ("S3_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")},
    }
    (folder / "load.json").write_text(json.dumps(config))
    return config


def _portal_accountants(count):
    """`count` people at the counties in turn, each with an account (one password hash for all), a confirmed
    entry filing (Inner Mongolia asks for one before collecting) and a draft collection."""
    counties = list(Authority.select().where(Authority.level == "county", ~Authority.special).order_by(Authority.code))
    password, now, people = hash_password(PASSWORD), clock.now(), []
    with db.atomic():
        for n in range(count):
            county = counties[n % len(counties)]
            born = date(2001, 1, 1) + timedelta(days=n)
            number = fake.resident_id(county.region_code, born, 500 + n // 1000)
            person = Accountant.create(
                id_number=number,
                id_tail=number[-4:],
                name=fake.name(n),
                phone=f"16{900_000_000 + n}",
                authority=county,
                gender="male" if int(number[16]) % 2 else "female",
                birth_date=born,
                created_at=now,
            )
            Account.create(password_hash=password, role="accountant", accountant=person, created_at=now)
            Filing.create(
                kind="qualification",
                status="approved",
                authority=county,
                accountant=person,
                id_type=person.id_type,
                id_number=number,
                name=person.name,
                certificate_no=f"Z{n:07d}",
                qualification_level="初级",
                submitted_at=now,
                decided_at=now,
            )
            _answered(lifecycle.open_draft(person), n)
            people.append({"id": person.id, "form": {"id_number": number, "password": PASSWORD}})
    return people


def _answered(draft, n):
    """The personal step as an applicant left it, all answered, so saving it again moves on to the next step."""
    PersonalSection.update(
        ethnicity="汉族", nationality="中国", political_status="群众", email=f"load{n}@example.cn", email_verified=True
    ).where(PersonalSection.collection == draft).execute()


def _scan():
    """A 900×650 JPEG of noise of about 100 KB, as a phone's scan of a certificate (tests/images.py's way)."""
    import io

    from PIL import Image

    image = Image.merge("RGB", [Image.effect_noise((900, 650), 60 + 20 * i) for i in range(3)])
    for quality in range(95, 5, -5):
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality)
        if 65 * 1024 <= out.tell() <= 145 * 1024:
            return out.getvalue()
    raise click.ClickException("无法生成测试扫描件")


# ---------------------------------------------------------------- the run


def swarm(stack, classes, users, seconds, folder, seaweed):
    """Locust headless against the stack; (its statistics per kind, CPU seconds per process group)."""
    prefix = folder / "locust"
    command = [sys.executable, "-m", "locust", "-f", str(ROOT / "tools" / "locustfile.py"), "--headless", *classes]
    command += ["-u", str(users), "-r", str(max(users // 2, 1)), "-t", f"{seconds}s", "--host", stack.url]
    command += ["--csv", str(prefix), "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING"]
    env = {**os.environ, "LOAD_CONFIG": str(folder / "load.json")}
    with open(folder / "locust.out", "w") as out:
        locust = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        groups = {"gunicorn": stack.processes[0].pid, "job worker": stack.processes[1].pid, "locust": locust.pid}
        groups["seaweedfs"] = seaweed
        groups["postgresql"] = _postmaster()
        before = {name: _tree_cpu(pid) for name, pid in groups.items()}
        locust_before, machine_before = _children_cpu(), _machine_busy()
        try:
            locust.wait(timeout=seconds + 120)
        except subprocess.TimeoutExpired:
            locust.kill()
            locust.wait()
    after = {name: _tree_cpu(pid) for name, pid in groups.items()}
    if not Path(f"{prefix}_stats.csv").exists():
        raise click.ClickException((folder / "locust.out").read_text()[-3000:])
    cpu = {name: round(after[name] - before[name], 1) for name in groups if name != "locust"}
    cpu["locust"] = round(_children_cpu() - locust_before, 1)  # ended: what this process counts of its children
    cpu["machine"] = round(_machine_busy() - machine_before, 1)  # every process here, SeaweedFS and others too
    return _stats(Path(f"{prefix}_stats.csv")), cpu


def _stats(path):
    stats = {}
    with open(path, newline="") as table:
        for row in csv.DictReader(table):
            if row["Name"] == "Aggregated":
                continue
            stats[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "rps": round(float(row["Requests/s"]), 1),
                "p50_ms": _number(row["50%"]),
                "p95_ms": _number(row["95%"]),
                "p99_ms": _number(row["99%"]),
                "errors": int(row["Failure Count"]),
            }
    return stats


def _number(text):
    return None if text in ("", "N/A") else float(text)


def _children_cpu():
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _machine_busy():
    """CPU seconds the machine spent on anything but idling and waiting for the disk, since it started."""
    ticks = [int(t) for t in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def _postmaster():
    """PostgreSQL's first process (its CPU counts the backends that ended, as their parent)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _comm(entry) == "postgres" and _comm(Path(f"/proc/{_ppid(entry)}")) != "postgres":
            return int(entry.name)
    return None


def _tree_cpu(pid):
    """CPU seconds of a process, of its children that ended, and of its living descendants."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # ended meanwhile: its parent counts it
        return 0.0
    own = sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    children = [int(e.name) for e in Path("/proc").iterdir() if e.name.isdigit() and _ppid(e) == pid]
    return own + sum(_tree_cpu(child) for child in children)


def _ppid(entry):
    try:
        return int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return None


def _comm(entry):
    try:
        return (entry / "comm").read_text().strip()
    except OSError:
        return None


def server_times(log):
    """From the app's request log (duration_ms per request): the median and p95 per method and endpoint, in ms:
    the time inside the app, where the client's time also holds the wait for a free worker thread."""
    durations = defaultdict(list)
    for line in log.read_text(errors="replace").splitlines():
        start = line.find('{"request_id"')
        if start >= 0:
            entry = json.loads(line[start:])
            durations[f"{entry['method']} {entry['endpoint']}"].append(entry["duration_ms"])
    return {endpoint: _quantiles(times) for endpoint, times in sorted(durations.items()) if len(times) > 20}


def _quantiles(times):
    times = sorted(times)
    return {"n": len(times), "p50": times[len(times) // 2], "p95": times[int(len(times) * 0.95)]}


# ---------------------------------------------------------------- the check


def check(config):
    """Each decision and upload locust saw accepted is in the database once, and nothing else is."""
    done = json.loads(Path(config["done"]).read_text())
    console.create_app(config["app"])
    with db.connection_context():
        return {"decisions": _decisions(done["decisions"]), "uploads": _uploads(done["uploads"], config)}


def _decisions(decided):
    ids = [d["id"] for d in decided]
    query = ReviewEvent.select(ReviewEvent.collection).where(
        ReviewEvent.kind.in_(("approve", "return")), ReviewEvent.at >= _started(decided)
    )
    events = Counter(key for (key,) in query.tuples())
    statuses = dict(Collection.select(Collection.id, Collection.status).where(Collection.id.in_(ids)).tuples())
    expected = {"approve": "approved", "return": "returned"}
    return {
        "counted": len(ids),
        "in_database": sum(events.values()),
        "lost": sorted(i for i in ids if not events[i] or statuses.get(i) != expected[_kind(decided, i)]),
        "doubled": sorted(i for i, count in events.items() if count > 1 or i not in set(ids)),
        "decided_twice_by_locust": sorted(i for i, count in Counter(ids).items() if count > 1),
    }


def _kind(decided, key):
    return next(d["kind"] for d in decided if d["id"] == key)


def _started(done):
    first = min((d["sent"] for d in done), default=time.time())
    return datetime.fromtimestamp(first - 1, UTC).replace(tzinfo=None)


def _uploads(uploaded, config):
    """A slot's row is its latest accepted upload (an upload replaces the slot's scan), one row per slot, and
    the store holds each row's scan and thumbnail and no other."""
    latest = {}
    for upload in sorted(uploaded, key=lambda u: u["sent"]):
        latest[(upload["person"], upload["slot"])] = upload
    people = [p["id"] for p in config["accountants"]]
    rows = defaultdict(list)
    query = (
        Attachment.select(Collection.accountant, Attachment.slot, Attachment.uploaded_at, Attachment.storage_name)
        .join(Collection)
        .where(Collection.accountant.in_(people))
        .tuples()
    )
    for person, slot, at, name in query:
        rows[(person, slot)].append((at.replace(tzinfo=UTC).timestamp(), name))
    lost = [key for key, u in latest.items() if not any(u["sent"] - 1 <= at <= u["done"] + 1 for at, _ in rows[key])]
    doubled = [key for key, held in rows.items() if len(held) > 1 or key not in latest]
    stored = _stored(config)
    names = {name for held in rows.values() for _, name in held}
    return {
        "counted": len(uploaded),
        "slots_uploaded": len(latest),
        "rows": sum(len(held) for held in rows.values()),
        "lost": sorted(map(list, lost)),
        "doubled": sorted(map(list, doubled)),
        "scans_stored": len(stored),
        "scans_without_row": len({s for s in stored if s.split(".")[0][:32] not in {n[:32] for n in names}}),
    }


def _stored(config):
    """The names of the files in the run's S3 prefix (each scan and its thumbnail)."""
    bucket, prefix = config["app"]["STORAGE_URL"].removeprefix("s3://").split("/", 1)
    s3 = boto3.client(
        "s3",
        endpoint_url=config["storage"]["S3_ENDPOINT_URL"],
        aws_access_key_id=config["storage"]["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=config["storage"]["AWS_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
    )
    names = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix + "/"):
        names += [item["Key"].rsplit("/", 1)[1] for item in page.get("Contents", [])]
    return names


# ---------------------------------------------------------------- the report


def show(report):
    click.echo(f"{'kind':22}{'requests':>9}{'rps':>8}{'p50':>8}{'p95':>8}{'p99':>8}{'errors':>8}")
    for kind, row in report.items():
        if isinstance(row, dict) and "rps" in row:
            click.echo(
                f"{kind:22}{row['requests']:>9}{row['rps']:>8}{row['p50_ms'] or '-':>8}{row['p95_ms'] or '-':>8}"
                f"{row['p99_ms'] or '-':>8}{row['errors']:>8}"
            )
    for what, found in report["check"].items():
        click.echo(f"{what}: {json.dumps(found, ensure_ascii=False)}")
    click.echo(f"CPU 秒：{json.dumps(report['cpu_seconds'], ensure_ascii=False)}")
