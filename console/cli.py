"""Flask CLI: flask --app console init-db | load-authorities | create-user | demo-data | apply-rules |
import-legacy | deliver-outbox | sweep-files | storage-migrate | backup | restore | national-export | worker |
bench."""

import json
import os
import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from console import backup as backups
from console import migrations
from console.archive import daily_rules, national
from console.collection import attachments
from console.errors import RuleViolation
from console.imports import legacy, tables
from console.infra import audit, dictionaries, notifier, storage
from console.org import authorities
from console.people.identity import mask_id
from console.people.staff import create_staff_account
from console.profiles import current_profile
from models import Account, Accountant, Authority, RuleChange, Unit, db
from models.account import ROLES, STAFF_ROLES


def init_app(app):
    for command in (
        init_db,
        load_authorities,
        create_user,
        demo_data,
        apply_rules,
        import_legacy,
        deliver_outbox,
        sweep_files,
        storage_migrate,
        backup,
        restore,
        national_export,
        bench,
        load,
    ):
        app.cli.add_command(command)


@click.command("init-db")
def init_db():
    """Create the schema, or upgrade an existing database to the latest version; load the dictionaries."""
    try:
        applied = migrations.upgrade()
    except migrations.SchemaTooNew as refusal:
        raise click.ClickException(str(refusal)) from None
    click.echo(
        f"数据库已就绪（版本 {migrations.latest_version()}）"
        + (f"，本次应用版本 {'、'.join(map(str, applied))}" if applied else "")
    )
    with db.connection_context():
        report = dictionaries.load_dictionaries()
        templates = dictionaries.load_reason_templates()
    click.echo(
        f"字典：新增 {report['created']}，更新 {report['updated']}，保留控制台修改 {report['kept']}；退回原因模板新增 {templates}"
    )


@click.command("load-authorities")
def load_authorities():
    """Build the authority tree of the active profile; never deletes, never overwrites console edits."""
    with db.connection_context():
        report = authorities.load_authorities(current_profile)
    click.echo(
        "会计管理机构：新增 {created}，更新 {updated}，未变 {unchanged}，保留控制台修改 {kept}".format(
            **{k: report.get(k, 0) for k in ("created", "updated", "unchanged", "kept")}
        )
    )


@click.command("create-user")
@click.option("--username", required=True)
@click.option("--role", required=True, type=click.Choice(STAFF_ROLES))
@click.option("--authority", "authority_code", help="会计管理机构编号（审核人员必填）")
@click.option("--unit", "unit_uscc", help="单位统一社会信用代码（单位会计机构负责人必填）")
@click.option("--name", "display_name", default="")
def create_user(username, role, authority_code, unit_uscc, display_name):
    """Create a staff account with a one-time password that must be changed at first sign-in."""
    with db.connection_context():
        if Account.get_or_none(Account.username == username):
            click.echo(f"账号 {username} 已存在，未作改动")
            return
        authority = Authority.get_or_none(Authority.code == authority_code) if authority_code else None
        unit = Unit.get_or_none(Unit.uscc == unit_uscc) if unit_uscc else None
        if role in ("reviewer", "province_admin") and authority is None:
            raise click.UsageError("请用 --authority 指定存在的会计管理机构编号")
        if role == "unit_head" and unit is None:
            raise click.UsageError("请用 --unit 指定存在的单位统一社会信用代码")
        _, password = create_staff_account(username, role, authority, unit, display_name)
    click.echo(f"已创建{ROLES.label(role)}账号 {username}，初始密码：{password}（首次登录须修改）")


@click.command("demo-data")
def demo_data():
    """Demo accounts (passwords printed once), units, accountants and collections."""
    with db.connection_context():
        root = Authority.table_exists() and Authority.get_or_none(Authority.code == current_profile.province_code)
        if not root:
            raise click.ClickException(
                "数据库中还没有会计管理机构：请先运行 flask --app console init-db 和 flask --app console load-authorities"
            )
        from tools import demo  # development data: loaded only by this command

        created = demo.load_demo(current_profile)
    print_accounts(created)


def print_accounts(created):
    if not created:
        click.echo("演示账号已存在，未作改动")
    for label, how, password in created:
        click.echo(f"  {label}：{how}，初始密码 {password}")


@click.command("apply-rules")
@click.option("--year", type=int, required=True, help="执行规则的年度（考评与继续教育按此前的年度判断）")
@click.option("--dry-run", is_flag=True, help="只报告将会变化的人员，不作改动")
@click.option("--yes", is_flag=True, help="不再询问，按试运行的人数执行")
def apply_rules(year, dry_run, yes):
    """Preview the daily management rules for a year, then apply them once confirmed with the counts;
    idempotent, audited, reported."""
    with db.connection_context():
        try:
            preview = daily_rules.apply_rules(year, current_profile, dry_run=True)
            counts = json.loads(preview.report)
            _echo_run(preview, counts)
            if dry_run or not (yes or click.confirm("按以上人数执行？")):
                return
            run = daily_rules.apply_rules(year, current_profile, expected=counts)
        except RuleViolation as refusal:
            raise click.ClickException(str(refusal)) from None
        click.echo(f"已执行，报告编号 {run.id}（可在控制台“日常管理规则”中撤销）")


def _echo_run(run, counts):
    click.echo(
        f"{run.year} 年度日常管理规则（试运行，未作改动）：将转为不在岗 {counts.get('appraisal', 0)} 人，"
        f"将转入异动库 {counts.get('continuing_education', 0)} 人，报告编号 {run.id}"
    )
    for change in run.changes.join(Accountant).order_by(RuleChange.id).limit(20):
        click.echo(f"  {change.accountant.name}（{mask_id(change.accountant.id_number)}）：{change.why}")


@click.command("deliver-outbox")
@click.option("--every", type=float, default=0, help="每隔多少秒再投递一次（0 表示只投递一次）")
def deliver_outbox(every):
    """Deliver the held messages that are due (an approval's SMS once its undo has passed)."""
    while True:
        with db.connection_context():
            sent = notifier.deliver_due()
        if sent or not every:
            click.echo(f"已投递 {sent} 条消息")
        if not every:
            return
        time.sleep(every)


@click.command("sweep-files")
def sweep_files():
    """Remove stored files no row points to, a day after they were written (a crash mid-upload leaves them)."""
    with db.connection_context():
        click.echo(f"已清理 {attachments.sweep_orphans()} 个无记录的文件")


@click.command("storage-migrate")
@with_appcontext
@click.option(
    "--to", "place", required=True, help="目标存储：本地目录，或 s3://存储桶/前缀（用当前的 S3_ENDPOINT_URL 与密钥）"
)
def storage_migrate(place):
    """Copy every stored file to another place, each checked by its SHA-256; run again after an interruption,
    it skips the files already copied. Then point STORAGE_URL (or STORAGE_DIR) at the new place."""
    try:
        copied, skipped = storage.copy_to(place)
    except storage.StorageError as refusal:
        raise click.ClickException(str(refusal)) from None
    click.echo(f"已复制 {copied} 个文件，跳过 {skipped} 个已存在的文件")


@click.command("backup")
@with_appcontext
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--list-files", is_flag=True, help="只列出文件及其校验值，不复制（对象存储自带版本时）")
def backup(directory, list_files):
    """A consistent snapshot: the database, then every stored file with its SHA-256 in a manifest."""
    try:
        manifest = backups.backup(directory, copy_files=not list_files)
    except RuleViolation as refusal:
        raise click.ClickException(str(refusal)) from None
    click.echo(f"已备份数据库和 {len(manifest['files'])} 个文件到 {directory}")


@click.command("restore")
@with_appcontext
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
def restore(directory):
    """Bring a backup back into an empty database and storage; every file checked against the manifest."""
    try:
        manifest = backups.restore(directory)
    except RuleViolation as refusal:
        raise click.ClickException(str(refusal)) from None
    click.echo(f"已恢复 {manifest['taken_at'][:19]} 的备份：数据库和 {len(manifest['files'])} 个文件")


@click.command("import-legacy")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_legacy(path):
    """Import a CSV or XLSX file of the old certificate database; all or nothing, idempotent."""
    with db.connection_context(), open(path, "rb") as stream:
        try:
            counts = legacy.import_file(Path(path).name, stream, None)
        except tables.ImportRefused as refused:
            for error in refused.errors[: tables.REPORTED_ERRORS]:
                click.echo(f"  第 {error.line} 行：{error.text}", err=True)
            raise click.ClickException(str(refused)) from refused
        except RuleViolation as refusal:
            raise click.ClickException(str(refusal)) from refusal
    click.echo("原数据导入完成：" + "，".join(f"{label} {n} 条" for label, n in counts.items()))


@click.command("national-export")
@with_appcontext
@click.option("--format", "kind", type=click.Choice(sorted(national.FORMATS)), required=True, help="文件格式")
@click.option("--since", default="", help="只导出此日期（年-月-日）以来有变化的人员；不填则导出全部在库人员")
@click.option("--output", required=True, type=click.Path(dir_okay=False, writable=True), help="输出文件路径")
def national_export(kind, since, output):
    """The archive in the national 《会计人员基本信息表》 format (docs/national-format.md), with full ID numbers
    and phones: written whole to a file beside --output, then renamed to it; audited."""
    try:
        day = national.parse_since(since)
    except RuleViolation as refusal:
        raise click.BadParameter(str(refusal), param_hint="--since") from None
    partial = f"{output}.part"
    with db.connection_context():
        try:
            with open(partial, "wb") as stream:
                written = national.write(stream, kind, day)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        os.replace(partial, output)
        audit.record("national.export", detail={**national.described(kind, day), "文件": output}, actor_name="命令行")
    click.echo(f"已导出 {written} 名会计人员到 {output}（格式第 {national.FORMAT_VERSION} 版）")


@click.command("bench")
@click.option("--accountants", "size", type=int, default=100_000, show_default=True)
@click.option(
    "--database", "url", default=None, help="数据库地址；默认 instance/bench-N.db（SQLite），也可为 postgresql://…"
)
@click.option("--json", "json_path", type=click.Path(dir_okay=False), default=None)
@click.option("--rebuild", is_flag=True, help="即使已有同样规模的数据也重新生成")
@click.option("--storage-dir", default=None, help="基准测试用的扫描件目录；默认 instance/bench-storage")
def bench(size, url, json_path, rebuild, storage_dir):
    """Build N accountants (once) and measure the review console's cases."""
    from tools import bench as benchmark  # a development tool: loaded only by this command

    benchmark.run(size, url, json_path, rebuild, storage_dir)


@click.command("load")
@click.option("--workers", type=int, default=4, show_default=True, help="gunicorn 进程数")
@click.option("--users", type=int, default=50, show_default=True, help="并发用户数（审核人员、会计人员、公众 5:4:1）")
@click.option("--seconds", type=int, default=60, show_default=True)
@click.option("--accountants", "size", type=int, default=20_000, show_default=True)
@click.option("--json", "json_path", type=click.Path(dir_okay=False), default=None)
@click.option(
    "--scenario",
    type=click.Choice(["mixed", "queue", "sign_in", "reviewers", "accountants"]),
    default="mixed",
    show_default=True,
    help="mixed：各类用户同时、不停顿；queue、sign_in：只测该请求的吞吐；reviewers、accountants：该类用户，每步间隔 1–3 秒",
)
def load(workers, users, seconds, size, json_path, scenario):
    """Load the production stack on loopback with locust and report each request kind's rate and latency."""
    from tools import load as loading  # a development tool: loaded only by this command

    loading.run(workers, users, seconds, size, json_path, scenario)
