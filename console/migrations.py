"""Schema upgrades: a fresh database gets the current schema; an existing one gets each
migration it lacks, in order, each in its own transaction, so no row is lost.

A migration is a function of a `playhouse.migrate` migrator, added to MIGRATIONS under the
next version number; version 1 is the schema of the foundation release."""

from contextlib import contextmanager

from peewee import SqliteDatabase, fn
from playhouse.migrate import SchemaMigrator, migrate

from console.infra import clock, textsearch
from models import (
    MODELS,
    Accountant,
    AccountSession,
    ArchivedElsewhere,
    Attachment,
    Authority,
    Captcha,
    Collection,
    Content,
    ContentFile,
    CreditRecord,
    Departure,
    Education,
    EducationCredit,
    Filing,
    Job,
    LegacyRecord,
    OutboxMessage,
    PostSection,
    ProfileSetting,
    QualificationSection,
    ReviewEvent,
    RuleChange,
    RuleRun,
    SavedFilter,
    SchemaVersion,
    SendingSlot,
    SlotSample,
    Submission,
    Transfer,
    Unit,
    UnitChange,
    db,
)
from models.accountant import STATISTICS_COLUMNS, STATISTICS_INDEX

BASE_VERSION = 1


def review_console(migrator):
    """2: submission snapshots for the diff, the province-wide queue index, decisions per reviewer."""
    db.create_tables([Submission])
    migrate(
        migrator.add_index("collection", ("status", "submitted_at")),
        migrator.add_index("review_event", ("actor_id", "at")),
    )


def daily_management(migrator):
    """3: the yearly rules' report as rows, unit change requests."""
    db.create_tables([RuleChange, UnitChange])


def entry_filing(migrator):
    """4: what an appointment filing's 证明函 states: the post and the start of accounting work."""
    migrate(
        migrator.add_column("filing", "post", Filing.post),
        migrator.add_column("filing", "work_started_on", Filing.work_started_on),
    )


def screened_submissions(migrator):
    """5: a submission keeps its checks and its changes; captchas are kept on the server; two columns nothing
    wrote go (review_event.note, education.online_code). A database whose submission table migration 2 made
    from today's model has the new columns already."""
    db.create_tables([Captcha])
    steps = _missing(migrator, Submission.checks, Submission.changes)
    for table, column in (("review_event", "note"), ("education", "online_code")):
        if column in {c.name for c in db.get_columns(table)}:
            steps.append(migrator.drop_column(table, column))
    migrate(*steps)


def routing(migrator):
    """6: where a collection goes as each manual says: the unit's chosen region and its code's kind, a unit put
    under a special authority, the region or the 会计管理部门 the person chooses."""
    migrate(
        *_missing(migrator, Unit.code_kind, Unit.assigned, PostSection.work_region_code, PostSection.chosen_authority)
    )


def archive_documents(migrator):
    """7: a person's archive keeps its own scans (the proof of a corrected ID number)."""
    migrate(*_missing(migrator, Attachment.accountant))


def undoable_rules(migrator):
    """8: a rules run can be undone, and says when and by whom."""
    migrate(*_missing(migrator, RuleRun.undone_at, RuleRun.undone_by))


def undoable_approvals(migrator):
    """9: an approval can be undone for a few seconds: it keeps what it changed, and its SMS waits."""
    migrate(
        *_missing(
            migrator,
            ReviewEvent.undo,
            OutboxMessage.deliver_after,
            OutboxMessage.delivered_at,
            OutboxMessage.cancelled_at,
        )
    )


def saved_filters(migrator):
    """10: a reviewer's saved queue filters."""
    db.create_tables([SavedFilter], safe=True)


def name_search(migrator):
    """11: substring search in people's and units' names (console.infra.textsearch)."""
    textsearch.install()


def cached_figures(migrator):
    """12: the version of each authority's console-home figures, which the cache is checked against."""
    migrate(*_missing(migrator, Authority.figures_version))


def server_sessions(migrator):
    """13: sign-in sessions kept on the server, so that they can be ended (console.people.sessions), and the
    slots that let one code go to a recipient per interval however many sends arrive at once."""
    db.create_tables([AccountSession, SendingSlot], safe=True)


def pending_credit(migrator):
    """14: the credit records waiting for confirmation found by their state, not through every person of an
    authority (the console home counted them in 17 ms at a million people, in 0.1 ms this way)."""
    if "credit_record_status_accountant_id" not in {i.name for i in db.get_indexes("credit_record")}:
        migrate(migrator.add_index("credit_record", ("status", "accountant_id"), False))


def relayed_outbox(migrator):
    """15: the outbox delivered by the relay, with its failures: attempts, the last error, given up."""
    migrate(*_missing(migrator, OutboxMessage.attempts, OutboxMessage.last_error, OutboxMessage.failed_at))


def queue_filters(migrator):
    """16: what the queue filters on, kept on the collection row at submission (on duty, full-time education,
    qualification) and filled in for every collection submitted before, from its sections."""
    migrate(*_missing(migrator, Collection.on_duty, Collection.education_level, Collection.qualification_level))
    of_it = {
        "on_duty": PostSection.select(PostSection.on_duty).where(PostSection.collection == Collection.id),
        "education_level": Education.select(Education.level).where(
            Education.collection == Collection.id, Education.mode == "full_time"
        ),
        "qualification_level": QualificationSection.select(QualificationSection.level).where(
            QualificationSection.collection == Collection.id
        ),
    }
    Collection.update(
        on_duty=of_it["on_duty"],
        education_level=fn.COALESCE(of_it["education_level"], ""),
        qualification_level=fn.COALESCE(of_it["qualification_level"], ""),
    ).where(Collection.status != "draft").execute()


def background_jobs(migrator):
    """17: long work run by the worker, each a row with its state, progress and result; and each outbox
    message's template and values, for an SMS provider that sends approved templates only."""
    db.create_tables([Job], safe=True)
    migrate(*_missing(migrator, OutboxMessage.template, OutboxMessage.template_params))


def published_content(migrator):
    """18: what the province and the bureaus publish (notices, guides, FAQ, contact channels) and its files."""
    db.create_tables([Content, ContentFile], safe=True)


def office_hours(migrator):
    """19: each authority's office hours, beside its phones and address in the directory."""
    migrate(*_missing(migrator, Authority.office_hours))


def slot_samples(migrator):
    """20: 材料示例, a sample image per upload slot, set by an admin at the province and shown in the wizard."""
    db.create_tables([SlotSample], safe=True)


def profile_settings(migrator):
    """21: 省份设置, the profile keys the province admin changes in the console, each change a version."""
    db.create_tables([ProfileSetting], safe=True)


def archive_statistics(migrator):
    """22: each person's full-time education and qualification as their approved collection in force has them
    (the latest approved), kept on the archive's row as registry.enter_archive keeps them now, and the index the
    statistics read alone (console.archive.stats)."""
    migrate(*_missing(migrator, Accountant.education_level, Accountant.qualification_level))
    latest = Collection.alias()
    in_force = latest.select(fn.MAX(latest.id)).where(latest.accountant == Accountant.id, latest.status == "approved")

    def of_it(column):
        return fn.COALESCE(Collection.select(column).where(Collection.id == in_force), "")

    approved = Collection.select(Collection.accountant).where(Collection.status == "approved")
    Accountant.update(
        education_level=of_it(Collection.education_level),
        qualification_level=of_it(Collection.qualification_level),
    ).where(Accountant.id.in_(approved)).execute()
    if STATISTICS_INDEX not in {i.name for i in db.get_indexes("accountant")}:
        migrate(migrator.add_index("accountant", STATISTICS_COLUMNS, False, name=STATISTICS_INDEX))


def transfers(migrator):
    """23: archive transfers between provinces (调转) and the national list of who is archived elsewhere."""
    db.create_tables([Transfer, ArchivedElsewhere], safe=True)


def daily_records(migrator):
    """24: 自然减员 (a departure from the archive, undoable), the proof of a credit record the accountant declares,
    and continuing-education credits a bureau enters by hand, with who entered them and the proof."""
    db.create_tables([Departure], safe=True)
    migrate(*_missing(migrator, CreditRecord.proof, EducationCredit.entered_by, EducationCredit.proof))


def collected_credentials(migrator):
    """25: the 学历电子备案表's online code of an education (002 §八); 是否高端人才 may be left unanswered, and a
    talent's 会计领军人才 details (002 §九-十); every column of the old database the archive keeps."""
    talent, old = QualificationSection, LegacyRecord
    steps = _missing(
        migrator,
        Education.record_code,
        talent.talent_category,
        talent.talent_state,
        talent.talent_period,
        talent.talent_selected_year,
        talent.talent_graduated_year,
        old.ethnicity,
        old.political_status,
        old.education_major,
        old.education_school,
        old.graduated_on,
        old.education_degree,
        old.post,
        old.qualification_kind,
        old.qualification_acquired_on,
    )
    if not {c.name: c for c in db.get_columns(talent._meta.table_name)}["high_end_talent"].null:
        steps.append(migrator.drop_not_null(talent._meta.table_name, "high_end_talent"))
    migrate(*steps)


def _missing(migrator, *fields):
    """The add_column steps of the fields whose columns the database lacks (a table made from today's model
    by an earlier migration has them already)."""
    steps = []
    for f in fields:
        if f.column_name not in {c.name for c in db.get_columns(f.model._meta.table_name)}:
            steps.append(migrator.add_column(f.model._meta.table_name, f.column_name, f))
    return steps


MIGRATIONS = {
    2: review_console,
    3: daily_management,
    4: entry_filing,
    5: screened_submissions,
    6: routing,
    7: archive_documents,
    8: undoable_rules,
    9: undoable_approvals,
    10: saved_filters,
    11: name_search,
    12: cached_figures,
    13: server_sessions,
    14: pending_credit,
    15: relayed_outbox,
    16: queue_filters,
    17: background_jobs,
    18: published_content,
    19: office_hours,
    20: slot_samples,
    21: profile_settings,
    22: archive_statistics,
    23: transfers,
    24: daily_records,
    25: collected_credentials,
}


def latest_version():
    return max(MIGRATIONS, default=BASE_VERSION)


class SchemaTooNew(RuntimeError):
    """The database was upgraded by a later release than this code: running it could lose what it keeps."""


def upgrade():
    """Bring the database to the latest schema; returns the versions applied. The migrations it lacks run in
    one transaction: one that fails leaves the database as it was."""
    with db.connection_context():
        if not SchemaVersion.table_exists():
            db.create_tables(MODELS, safe=True)
            textsearch.install()
            SchemaVersion.create(version=latest_version(), applied_at=clock.now())
            return [latest_version()]
        current = SchemaVersion.select(fn.MAX(SchemaVersion.version)).scalar()
        if current > latest_version():
            raise SchemaTooNew(f"数据库版本 {current} 比本程序（版本 {latest_version()}）新：请部署新版本的程序")
        pending = sorted(v for v in MIGRATIONS if v > current)
        with _rebuilding_tables(), db.atomic():
            for version in pending:
                MIGRATIONS[version](SchemaMigrator.from_database(db))
                SchemaVersion.create(version=version, applied_at=clock.now())
            _check_foreign_keys()
        db.create_tables(MODELS, safe=True)
        if pending and isinstance(db.obj, SqliteDatabase):
            db.execute_sql("ANALYZE")  # a table SQLite rebuilt lost its statistics, and the planner its way
        return pending


@contextmanager
def _rebuilding_tables():
    """SQLite changes a column by copying its table and dropping the old one, which the rows pointing at it
    would refuse: its own procedure turns foreign keys off (outside a transaction) for the change and checks
    every one of them after it. PostgreSQL alters tables in place."""
    if not isinstance(db.obj, SqliteDatabase):
        yield
        return
    db.execute_sql("PRAGMA foreign_keys = OFF")  # a no-op inside a transaction: set before it begins
    try:
        yield
    finally:
        db.execute_sql("PRAGMA foreign_keys = ON")


def _check_foreign_keys():
    """Every row still points at a row (SQLite, whose rebuilt tables were not checked as they were copied)."""
    if isinstance(db.obj, SqliteDatabase):
        broken = db.execute_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"升级后外键不一致：{broken[:5]}")
