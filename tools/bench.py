"""`flask --app console bench`: build a realistic dataset and time the review console on it.

N accountants across the profile's county authorities, one in seven at the busiest one, so its
queue is deep enough for page 500; 80% approved into the archive with their decision events, 20%
open (submitted, returned, draft), six attachment rows per open collection. The files on disk exist
for the collections the benchmark opens. Every case is served by the Flask test client as a
signed-in reviewer, with its SQL queries counted."""

import csv
import functools
import io
import itertools
import json
import logging
import random
import statistics
import threading
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

import click
from flask import current_app
from flask_admin import Admin
from flask_admin.contrib.peewee import ModelView
from peewee import PostgresqlDatabase
from PIL import Image
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

import console
from console import migrations
from console.archive import national
from console.imports import education_credits, legacy
from console.infra import clock, dictionaries, jobs, notifier, storage
from console.infra.batches import chunks
from console.infra.database import QueryCounter
from console.org import authorities
from console.people import sessions
from console.people.passwords import hash_password
from console.review import claims, export, worklist
from models import MODELS, Account, Authority, Collection, Job, ReasonTemplate, RuleChange, RuleRun, Submission, db
from tools import fake

SLOTS = ("photo", "id_front", "id_back", "diploma", "degree", "letter")
LEVELS = ("本科", "大专", "硕士研究生", "中专")
QUALIFICATIONS = ("初级", "中级", "无", "副高级")
REPEAT = 30
JOB_ROWS = 100_000  # the rows of the imports the bench times (fewer when the dataset has fewer people)


def run(size, url, json_path, rebuild, storage_dir):
    """Build N accountants (once) and measure the review console's cases (`flask --app console bench`)."""
    url = url or f"sqlite:///{Path(current_app.instance_path) / f'bench-{size}.db'}"
    folder = Path(url.removeprefix("sqlite:///")).parent if url.startswith("sqlite:///") else None
    if folder and not folder.is_dir():
        raise click.ClickException(f"数据库所在的文件夹 {folder} 不存在：请先创建它，或用 --database 换一个路径")
    storage_dir = storage_dir or str(Path(current_app.instance_path) / "bench-storage")
    Path(storage_dir).mkdir(parents=True, exist_ok=True)
    # A separate app, so each request gets its own app context (and g) as in production, not the CLI's;
    # without CSRF, because the benchmark times the work, not the token round trip.
    app = console.create_app(
        {
            "DATABASE_URL": url,
            "STORAGE_DIR": storage_dir,
            "STORAGE_URL": "",  # the bench's own folder, whatever the environment says
            "JOBS_DB": str(Path(storage_dir) / "jobs.db"),  # never the dev server's queue
            "WTF_CSRF_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
        }
    )
    with app.app_context(), db.connection_context():
        if rebuild or _built_size() != size:
            started = time.perf_counter()
            build(size, app.extensions["profile"])
            click.echo(f"数据已生成：{size} 名会计人员，用时 {time.perf_counter() - started:.0f} 秒")
        else:
            migrations.upgrade()  # a dataset built by an earlier version gets today's schema
    for quiet in (notifier.__name__, "accountants.request"):  # the outbox's printing and the request log
        logging.getLogger(quiet).setLevel(logging.WARNING)  # are no part of a case
    with app.app_context():
        reviewer, deep, decided, template = _sample()
    results = measure(app, size, url, reviewer, deep, decided, template)
    for name, value in results.items():
        click.echo(f"{name:16} {value}")
    if json_path:
        Path(json_path).write_text(json.dumps(results, ensure_ascii=False, indent=2))


def _built_size():
    built = RuleChange.table_exists() and Submission.table_exists() and Submission.select().exists()
    if not built or not Account.select().where(Account.username == "bench-reviewer").exists():
        return None
    return db.execute_sql("SELECT COUNT(*) FROM accountant").fetchone()[0]


# ---------------------------------------------------------------- building the dataset


def build(size, profile):
    if isinstance(db.obj, PostgresqlDatabase):
        db.drop_tables(MODELS, safe=True, cascade=True)
    else:
        db.execute_sql("PRAGMA foreign_keys = OFF")
        db.drop_tables(MODELS, safe=True)
        db.execute_sql("PRAGMA foreign_keys = ON")
    migrations.upgrade()
    dictionaries.load_dictionaries()
    dictionaries.load_reason_templates()
    authorities.load_authorities(profile)
    counties = list(Authority.select().where(Authority.level == "county", ~Authority.special).order_by(Authority.code))
    rng = random.Random(20261122)
    now = clock.now()
    units = _units(counties, size, now)
    reviewers = _reviewers(counties, now)
    codes = dict(db.execute_sql("SELECT id, uscc FROM unit").fetchall())
    with db.atomic():
        for start in range(0, size, 50_000):
            rows = _people(range(start, min(start + 50_000, size)), counties, units, codes, reviewers, rng, now)
            for table, columns in TABLES:
                _insert(table, columns, rows[table])
    if isinstance(db.obj, PostgresqlDatabase):
        for table in ("unit", "account", *(t for t, _ in TABLES)):
            db.execute_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        db.execute_sql("VACUUM ANALYZE")  # the visibility map lets counts use index-only scans, as autovacuum would
    else:
        db.execute_sql("ANALYZE")


def _units(counties, size, now):
    rows, serial = [], 0
    for county in counties:
        for n in range(max(size // 50 // len(counties), 5)):
            serial += 1
            rows.append(
                (
                    serial,
                    fake.unit_code(county.region_code, serial),
                    f"{county.name[:-3]}{n}号商贸有限公司",
                    county.region_code,
                    county.id,
                    now,
                )
            )
    _insert("unit", ("id", "uscc", "name", "region_code", "authority_id", "created_at"), rows)
    by_county = {}
    for row in rows:
        by_county.setdefault(row[4], []).append(row[0])
    return by_county


def _reviewers(counties, now):
    password = hash_password("Bench#2026")
    rows = [
        (n + 1, f"bench-reviewer{'' if n == 0 else n}", password, "reviewer", f"审核员{n:03d}", c.id, now)
        for n, c in enumerate(counties)
    ]
    _insert("account", ("id", "username", "password_hash", "role", "display_name", "authority_id", "created_at"), rows)
    return {c.id: n + 1 for n, c in enumerate(counties)}


TABLES = (
    (
        "accountant",
        (
            "id",
            "id_type",
            "id_number",
            "id_tail",
            "name",
            "gender",
            "birth_date",
            "phone",
            "email",
            "authority_id",
            "unit_id",
            "on_duty",
            "archive_state",
            "archived_at",
            "work_started_on",
            "created_at",
            "education_level",
            "qualification_level",
        ),
    ),
    (
        "collection",
        (
            "id",
            "accountant_id",
            "authority_id",
            "kind",
            "status",
            "step",
            "revision",
            "flags",
            "submitted_at",
            "decided_at",
            "decided_by_id",
            "created_at",
            "updated_at",
            "on_duty",
            "education_level",
            "qualification_level",
        ),
    ),
    (
        "personal_section",
        (
            "id",
            "collection_id",
            "name",
            "id_type",
            "id_number",
            "gender",
            "birth_date",
            "ethnicity",
            "nationality",
            "political_status",
            "phone",
            "email",
            "email_verified",
        ),
    ),
    (
        "post_section",
        (
            "id",
            "collection_id",
            "has_unit",
            "unit_id",
            "unit_uscc",
            "on_duty",
            "post",
            "admin_post",
            "tech_post",
            "unit_phone",
            "work_started_on",
            "residence_type",
            "residence_region_code",
            "school_name",
            "letter_code",
        ),
    ),
    (
        "education",
        (
            "id",
            "collection_id",
            "mode",
            "level",
            "degree",
            "major",
            "school",
            "graduated_on",
            "certificate_no",
            "in_school",
        ),
    ),
    (
        "qualification_section",
        (
            "id",
            "collection_id",
            "kind",
            "level",
            "way",
            "certificate_no",
            "cpa",
            "tax_adviser",
            "asset_appraiser",
            "high_end_talent",
            "abacus_level",
            "abacus_certificate_no",
        ),
    ),
    (
        "attachment",
        (
            "id",
            "slot",
            "collection_id",
            "storage_name",
            "content_type",
            "size",
            "width",
            "height",
            "sha256",
            "uploaded_at",
        ),
    ),
    ("review_event", ("id", "collection_id", "kind", "actor_id", "revision", "at")),
    ("submission", ("collection_id", "revision", "answers", "files", "checks", "changes", "at")),
    ("work_period", ("accountant_id", "unit_id", "started_on", "ended_on", "on_duty", "source")),
    ("appraisal", ("accountant_id", "unit_id", "year", "grade", "entered_by_id", "entered_at")),
    ("education_credit", ("accountant_id", "year", "credits", "professional_credits", "provider", "imported_at")),
)
# The yearly rules' history: for everyone in the archive, an appraisal for each of the last two years
# (most people) and a continuing-education record for each year the rules check (nearly everyone).
RULE_YEAR = 2026
APPRAISED = {RULE_YEAR - 2: 0.5, RULE_YEAR - 1: 0.93}
TRAINED = 0.95


def _people(numbers, counties, units, uscc_of, reviewers, rng, now):
    """Row tuples per table. One in seven people belongs to the first county; the rest spread evenly."""
    rows = {table: [] for table, _ in TABLES}
    for i in numbers:
        county = counties[0] if i % 7 == 0 else counties[i % len(counties)]
        birth = date(1965, 1, 1) + timedelta(days=i % 10950)
        number = fake.resident_id(county.region_code, birth, i // 10950)
        name = fake.name(i, rng)
        gender = "male" if int(number[16]) % 2 else "female"
        unit = rng.choice(units[county.id])
        started = birth.replace(day=1) + timedelta(days=365 * 23)
        roll = rng.random()
        status = "approved" if roll < 0.8 else "submitted" if roll < 0.95 else "returned" if roll < 0.98 else "draft"
        # the archive grew over three years; what is open came in over the last ninety days
        submitted = now - timedelta(minutes=rng.randrange(1, 60 * 24 * (90 if status != "approved" else 1100)))
        decided = submitted + timedelta(hours=rng.randrange(2, 96)) if status in ("approved", "returned") else None
        decided = min(decided, now) if decided else None
        flags = "photo_background" if status == "submitted" and rng.random() < 0.1 else ""
        on_duty, level, qualification = rng.random() < 0.9, rng.choice(LEVELS), rng.choice(QUALIFICATIONS)
        archived = status == "approved"  # with the education and qualification of the collection in force
        key = i + 1
        phone = f"1{3 + i % 7}{i:09d}"
        rows["accountant"].append(
            (
                key,
                "resident",
                number,
                number[-4:],
                name,
                gender,
                birth,
                phone,
                "",
                county.id,
                unit,
                True,
                "archived" if status == "approved" else "pending",
                decided if status == "approved" else None,
                started,
                now,
                level if archived else "",
                qualification if archived else "",
            )
        )
        rows["collection"].append(
            (
                key,
                key,
                county.id,
                "collection",
                status,
                "preview",
                1,
                flags,
                None if status == "draft" else submitted,
                decided,
                reviewers[county.id] if decided else None,
                submitted,
                submitted,
                *((None, "", "") if status == "draft" else (on_duty, level, qualification)),
            )
        )
        rows["personal_section"].append(
            (key, key, name, "resident", number, gender, birth, "汉族", "中国", "群众", phone, "", False)
        )
        rows["post_section"].append(
            (key, key, True, unit, uscc_of[unit], on_duty, "会计", "", "无职务", "", started, "", "", "", "")
        )
        rows["education"].append(
            (
                key,
                key,
                "full_time",
                level,
                "学士",
                "会计学",
                "内蒙古财经大学",
                started - timedelta(days=40),
                "",
                False,
            )
        )
        rows["qualification_section"].append(
            (key, key, "会计类", qualification, "考试", "", False, False, False, False, "", "")
        )
        if status != "approved":
            for n, slot in enumerate(SLOTS):
                file_id = i * len(SLOTS) + n + 1
                rows["attachment"].append(
                    (
                        file_id,
                        slot,
                        key,
                        f"{file_id:032x}.jpg",
                        "image/jpeg",
                        80_000,
                        295 if slot == "photo" else 900,
                        413 if slot == "photo" else 650,
                        f"{file_id:064x}",
                        submitted,
                    )
                )
        if status in ("submitted", "returned"):  # what the review page reads, as a submission keeps it
            rows["submission"].append(
                (
                    key,
                    1,
                    _snapshot(name, number, gender, birth, phone, uscc_of[unit], started),
                    SNAPSHOT_FILES,
                    SNAPSHOT_CHECKS,
                    "null",
                    submitted,
                )
            )
        if decided:
            rows["review_event"].append(
                (key, key, "approve" if status == "approved" else "return", reviewers[county.id], 1, decided)
            )
        if status == "approved":
            _history(rows, key, unit, started, reviewers[county.id], decided, rng)
    return rows


SNAPSHOT_FILES = json.dumps(dict.fromkeys(SLOTS, "0" * 64))
SNAPSHOT_CHECKS = json.dumps(
    [
        {"section": "personal", "field": "id_number", "ok": True, "text": "校验位正确", "flag": ""},
        {"section": "personal", "field": "gender", "ok": True, "text": "与证件号码一致", "flag": ""},
        {"section": "personal", "field": "birth_date", "ok": True, "text": "与证件号码一致", "flag": ""},
        {"section": "personal", "field": "phone", "ok": True, "text": "未被其他证件使用", "flag": ""},
        {"section": "post", "field": "unit_uscc", "ok": True, "text": "校验正确，单位在本省（区）", "flag": ""},
        {"section": "attachments", "field": "photo", "ok": True, "text": "295×413 像素", "flag": "photo_rule"},
    ],
    ensure_ascii=False,
)


def _snapshot(name, number, gender, birth, phone, uscc, started):
    """A submission's answers as lifecycle.submit keeps them, for the review page to show."""
    return json.dumps(
        {
            "personal": {
                "name": name,
                "id_type": "resident",
                "id_number": number,
                "gender": gender,
                "birth_date": birth.isoformat(),
                "ethnicity": "汉族",
                "nationality": "中国",
                "political_status": "群众",
                "phone": phone,
                "email": "",
            },
            "post": {
                "has_unit": "是",
                "unit_uscc": uscc,
                "on_duty": "是",
                "post": "会计",
                "tech_post": "无职务",
                "work_started_on": started.isoformat(),
            },
            "education": {
                "full_time_level": "本科",
                "full_time_degree": "学士",
                "full_time_major": "会计学",
                "full_time_school": "内蒙古财经大学",
            },
            "qualification": {"kind": "会计类", "level": "初级", "way": "考试"},
        },
        ensure_ascii=False,
    )


def _history(rows, key, unit, started, reviewer, at, rng):
    rows["work_period"].append((key, unit, started, None, True, "declared"))
    rows["appraisal"].extend(
        (key, unit, year, "qualified", reviewer, at) for year, share in APPRAISED.items() if rng.random() < share
    )
    rows["education_credit"].extend(
        (key, year, 90, 60, "会计继续教育基地", at) for year in range(2019, RULE_YEAR) if rng.random() < TRAINED
    )


def _insert(table, columns, rows, batch=5000):
    """COPY on PostgreSQL, executemany on SQLite: the fast bulk path of each. Columns left out get
    the model's default, as peewee would have given them."""
    model = next(m for m in MODELS if m._meta.table_name == table)
    defaulted = [f for f in model._meta.sorted_fields if f.column_name not in columns and f.default is not None]
    if defaulted:
        extra = tuple(f.db_value(f.default() if callable(f.default) else f.default) for f in defaulted)
        columns = (*columns, *(f.column_name for f in defaulted))
        rows = (row + extra for row in rows)
    if isinstance(db.obj, PostgresqlDatabase):
        cursor = db.cursor()
        for chunk in chunks(rows, 50_000):
            buffer = io.StringIO()
            csv.writer(buffer).writerows([r"\N" if v is None else v for v in row] for row in chunk)
            buffer.seek(0)
            cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer)
        return
    sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
    for chunk in chunks(rows, batch):
        db.cursor().executemany(sql, chunk)


def _real_files(collection_ids):
    """Write real scans for the collections the benchmark opens (their photo is read by the checks)."""

    def jpeg(width, height):
        out = io.BytesIO()
        image = Image.new("RGB", (width, height), (255, 255, 255))
        image.paste((90, 70, 60), (width // 4, height // 5, width * 3 // 4, height))
        image.save(out, "JPEG", quality=90)
        return out.getvalue()

    photo, scan = jpeg(295, 413), jpeg(900, 650)
    for slot, name in db.execute_sql(
        f"SELECT slot, storage_name FROM attachment WHERE collection_id IN ({','.join(map(str, collection_ids))})"
    ):
        storage.write(name, photo if slot == "photo" else scan)


# ---------------------------------------------------------------- measuring


class StockCollectionView(ModelView):
    """Flask-Admin's peewee list as shipped, on the collection table, oldest submission first."""

    column_default_sort = "submitted_at"
    page_size = 20
    can_create = can_edit = can_delete = False


class ScopedStockCollectionView(StockCollectionView):
    """The same stock list narrowed to the reviewer's queue by get_query, so it runs on our queue index."""

    column_list = ("accountant", "submitted_at", "flags", "claimed_by")

    def __init__(self, authority_id, **kwargs):
        super().__init__(Collection, **kwargs)
        self.authority_id = authority_id

    def get_query(self):
        return Collection.select().where(Collection.authority == self.authority_id, Collection.status == "submitted")

    def get_count_query(self):
        return self.get_query()


def _sample():
    """The reviewer of the busiest county, their queue down to page 500, and what to decide."""
    with db.connection_context():
        reviewer = Account.get(Account.username == "bench-reviewer")
        deep = worklist.page(reviewer, worklist.Filters(), size=20 * 499)
        decided = [r["id"] for r in deep.rows[30 : 30 + 8 * REPEAT]]
        _real_files([r["id"] for r in deep.rows[:10]])
        return reviewer, deep, decided, ReasonTemplate.select().first().id


def measure(app, size, url, reviewer, deep, decided, template):
    sample = deep.rows[10:30]
    opened = [r["id"] for r in deep.rows[:10]]
    stock = Admin(app, name="bench", url="/bench-admin", endpoint="bench_admin")
    stock.add_view(StockCollectionView(Collection, endpoint="bench_stock", url="/bench-stock"))
    stock.add_view(
        ScopedStockCollectionView(reviewer.authority_id, endpoint="bench_stock_scoped", url="/bench-stock-scoped")
    )
    client = _signed_in(app, reviewer)
    cases = {
        "queue_first": ["/console/review/"],
        "queue_page_500": [f"/console/review/?after={deep.next_cursor}"],
        "search_name": [f"/console/review/?q={r['name']}" for r in sample],
        "search_id_tail": [f"/console/review/?q={r['id_number'][-4:]}" for r in sample],
        "filtered": ["/console/review/?flag=none&education_level=本科&on_duty=1&overdue=1"],
        "detail": [f"/console/review/{i}" for i in opened],
        "dashboard": ["/console/"],
        "stock_page_500": ["/bench-stock/?page=499"],
        "stock_scoped_page_500": ["/bench-stock-scoped/?page=499"],
    }
    results = {name: _timed(client, urls) for name, urls in cases.items()}
    results["statistics"] = _timed(_signed_in(app, _province_admin(app)), ["/console/statistics/"])  # the province
    returning = {"templates": str(template), "note": "请补充材料", "note_section": "general"}
    fifth = len(decided) // 5
    results["approve"] = _timed_decisions(client, reviewer, decided[:fifth], "approve", {})
    results["return"] = _timed_decisions(client, reviewer, decided[fifth : 2 * fifth], "return", returning)
    results["decide_and_next"] = _timed_decisions(
        client, reviewer, decided[2 * fifth : 3 * fifth], "approve", {}, follow=True
    )
    results["decisions_per_s"] = _throughput(app, reviewer, decided[3 * fifth :], returning)
    results["export_100k"] = _export(reviewer)
    results["national_export"] = _national_export(app)
    results.update(_jobs(app, size, reviewer))
    results["accountants"] = size
    results["database"] = "postgresql" if url.startswith("postgres") else "sqlite"
    return results


def _jobs(app, size, reviewer):
    """The imports and the yearly rules as the admin starts them and the worker runs them: the upload answered
    once its job is queued (timed), then each job run here as a worker would (jobs.run), all rolled back."""
    admin = _province_admin(app)
    client = _signed_in(app, admin)
    rows = min(JOB_ROWS, size)  # a smoke run on a small dataset imports as many rows as it has people
    results = {}
    for name, url, content in (
        ("ce_import_100k", "/console/education_credit/", _credits_file(rows)),
        ("legacy_import_100k", "/console/legacy_import/", _legacy_file(rows)),
    ):
        queued = []
        results[name] = _rolled_back(app, functools.partial(_import_job, client, url, content, queued))
        results[f"{name}_queued_s"] = round(min(queued), 3)
    # the dry run changes nobody (its rows are the report): kept, so the confirmed run has one to follow
    results["rules_preview"] = _time_and_peak(functools.partial(_rules_job, app, "rules_preview", admin))
    results["apply_rules"] = _rolled_back(app, functools.partial(_rules_job, app, "rules_apply", admin))
    app.extensions["huey"].flush()  # the queued jobs were run here
    return results


def _province_admin(app):
    with app.app_context(), db.connection_context():
        root = Authority.get(Authority.code == app.extensions["profile"].province_code)
        admin, _ = Account.get_or_create(
            username="bench-admin",
            defaults={"role": "province_admin", "authority": root, "password_hash": "!", "created_at": clock.now()},
        )
    return admin


def _import_job(client, url, content, queued):
    started = time.perf_counter()
    response = client.post(url, data={"file": (io.BytesIO(content), "导入.csv")}, content_type="multipart/form-data")
    queued.append(time.perf_counter() - started)
    job = Job.get_by_id(int(response.headers["Location"].rsplit("/", 1)[1]))
    if job.state != "queued":
        raise click.ClickException(f"{url}: {job.state} {job.error}")
    jobs.run(job.id)
    if Job.get_by_id(job.id).state != "done":
        raise click.ClickException(f"{url}: {Job.get_by_id(job.id).error}")


def _rules_job(app, kind, admin):
    """The yearly rules' dry run, or the run confirming the latest one, as the worker runs it."""
    with app.app_context(), db.connection_context():
        latest = RuleRun.select().where(RuleRun.year == RULE_YEAR).order_by(RuleRun.id.desc()).first()
        params = {"year": RULE_YEAR} if kind == "rules_preview" else {"preview": latest.id}
        job = jobs.start(kind, params, admin)
        jobs.run(job.id)
        if Job.get_by_id(job.id).state != "done":
            raise click.ClickException(f"{kind}: {Job.get_by_id(job.id).error}")


def _signed_in(app, reviewer):
    client = app.test_client()
    with app.app_context(), db.connection_context():
        token = sessions.open_for(reviewer)
    with client.session_transaction() as session:
        session.update({"token": token, "_user_id": str(reviewer.id), "last_seen": clock.now().timestamp()})
    return client


def _throughput(app, reviewer, ids, returning, workers=4):
    """Decisions per second of one process serving several reviewers at once, as a threaded server does:
    `workers` threads, each with its own session, approving and returning claimed collections."""
    _claim(reviewer, ids)

    def work(share):
        client = _signed_in(app, reviewer)
        for n, key in enumerate(share):
            action, data = ("approve", {}) if n % 2 else ("return", returning)
            if client.post(f"/console/review/{key}/{action}", data=data).status_code != 302:
                raise click.ClickException(f"{action} {key} failed")

    threads = [threading.Thread(target=work, args=(ids[n::workers],)) for n in range(workers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return round(len(ids) / (time.perf_counter() - started), 1)


def _claim(reviewer, ids):
    with db.connection_context():  # outside the timing, as opening the page takes the claim
        for key in ids:
            claims.claim(Collection.get_by_id(key), reviewer)


def _timed(client, urls):
    times, queries = [], []
    client.get(urls[0])  # warm the caches once
    for url in itertools.islice(itertools.cycle(urls), REPEAT):
        with QueryCounter() as counter:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise click.ClickException(f"{url} → {response.status_code}")
        queries.append(counter.count)
    return _summary(times, queries)


def _timed_decisions(client, reviewer, ids, action, data, follow=False):
    """Each decision's POST; with `follow`, its round trip: the POST and the next collection's page after it."""
    _claim(reviewer, ids)
    times, queries = [], []
    for key in ids:
        with QueryCounter() as counter:
            started = time.perf_counter()
            response = client.post(f"/console/review/{key}/{action}", data=data)
            following = client.get(response.headers["Location"]) if follow and response.status_code == 302 else None
            times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 302 or (following is not None and following.status_code != 200):
            raise click.ClickException(f"{action} {key} → {response.status_code}")
        queries.append(counter.count)
    return _summary(times, queries)


def _summary(times, queries):
    return {
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(statistics.quantiles(times, n=20)[-1], 2) if len(times) > 1 else round(times[0], 2),
        "queries": max(queries),
    }


def _export(reviewer):
    """The XLSX export of the first 100,000 rows of the archive list."""
    filters = worklist.Filters(state="approved")

    def run():
        with db.connection_context():
            rows = itertools.islice(worklist.each_row(reviewer, filters), 100_000)
            return sum(len(chunk) for chunk in export.xlsx_chunks(rows))

    return _time_and_peak(run)


def _national_export(app):
    """国家平台报送: the full CSV of everyone in the archive, as the worker makes it (its bytes counted, not kept)."""

    def run():
        with app.app_context(), db.connection_context():
            return sum(len(chunk) for chunk in national.chunks("csv"))

    return _time_and_peak(run)


def _rolled_back(app, work):
    """A job that writes, run in a transaction that is rolled back, so the dataset stays as built."""

    def run():
        with app.app_context(), db.connection_context(), db.atomic() as transaction:
            work()
            transaction.rollback()

    return _time_and_peak(run)


def _time_and_peak(run):
    """Seconds of one run, then the Python heap's peak of a second run under tracemalloc."""
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"seconds": round(seconds, 2), "peak_mb": round(peak / 2**20, 1)}


def _legacy_file(rows):
    """The old certificate database's export: people not yet in the archive, every column filled."""
    with db.connection_context():
        regions = [
            r
            for (r,) in db.execute_sql(
                "SELECT region_code FROM authority WHERE level = 'county' AND NOT special ORDER BY code"
            ).fetchall()
            if _known_region(r)
        ]
        unit = db.execute_sql("SELECT uscc FROM unit ORDER BY id LIMIT 1").fetchone()[0]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(legacy.HEADER)
    for n in range(rows):
        born = date(2005, 1, 1) + timedelta(days=n % 1000)
        number = fake.resident_id(regions[n % len(regions)], born, n // 1000)
        writer.writerow(
            (
                fake.name(n),
                "居民身份证",
                number,
                "男" if int(number[16]) % 2 else "女",
                born.isoformat(),
                f"1{3 + n % 7}{800_000_000 + n}",
                unit,
                "原单位",
                "本科",
                "初级",
                f"Z{n:010d}",
                "2024-07-01",
            )
        )
    return out.getvalue().encode("utf-8-sig")


def _known_region(region):
    """Whether GB/T 2260 (as python-stdnum knows it) has the region for someone born in 2005."""
    try:
        ric.get_birth_place(fake.resident_id(region, "20050101", 1))
    except ValidationError:
        return False
    return True


def _credits_file(rows):
    """A credit bank file for the first `rows` people of the archive, as the province would receive it."""
    with db.connection_context():
        numbers = db.execute_sql(
            f"SELECT id_number FROM accountant WHERE archive_state = 'archived' ORDER BY id LIMIT {rows}"
        ).fetchall()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(education_credits.HEADER)
    writer.writerows((number, RULE_YEAR, "96.5", "64", "会计继续教育基地") for (number,) in numbers)
    return out.getvalue().encode("utf-8-sig")
