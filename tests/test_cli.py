"""flask --app console init-db | load-authorities | create-user | demo-data: each idempotent."""

from models import Account, Accountant, Authority, Collection, Unit


def run(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exception is None, result.output
    return result.output


def test_init_db_is_idempotent(app, ctx):
    Authority.update(phones="0471-1234567").where(Authority.code == "15").execute()
    assert "数据库已就绪" in run(app, "init-db")
    assert "数据库已就绪" in run(app, "init-db")
    assert Authority.get(Authority.code == "15").phones == "0471-1234567"


def test_load_authorities_reports_and_changes_nothing_the_second_time(app, ctx):
    output = run(app, "load-authorities")
    assert "新增 0" in output and "更新 0" in output
    assert Authority.select().count() == 118


def test_create_user_prints_a_one_time_password_and_refuses_duplicates(app, ctx):
    output = run(
        app, "create-user", "--username", "hohhot", "--role", "reviewer", "--authority", "1501", "--name", "呼市审核员"
    )
    assert "已创建审核人员账号 hohhot，初始密码：" in output
    account = Account.get(Account.username == "hohhot")
    assert account.must_change_password and account.authority.name == "呼和浩特市财政局"
    assert "已存在，未作改动" in run(app, "create-user", "--username", "hohhot", "--role", "auditor")
    assert Account.get(Account.username == "hohhot").role == "reviewer"


def test_create_user_needs_the_scope_of_its_role(app, ctx):
    result = app.test_cli_runner().invoke(
        args=["create-user", "--username", "x", "--role", "reviewer", "--authority", "nope"]
    )
    assert result.exit_code == 2 and "请用 --authority 指定存在的会计管理机构编号" in result.output
    assert not Account.select().where(Account.username == "x").exists()


def test_demo_data_creates_one_account_per_role_once(app, ctx):
    first = run(app, "demo-data")
    for label in (
        "省级管理员：账号 admin",
        "审核人员：账号 reviewer",
        "单位会计机构负责人：账号 unithead",
        "审计员：账号 auditor",
        "会计人员：姓名 ",
    ):
        assert label in first
    person = Accountant.select().order_by(Accountant.id).first()
    assert f"证件号 {person.id_number}" in first
    counts = (Account.select().count(), Accountant.select().count(), Collection.select().count(), Unit.select().count())
    assert counts == (5, 12, 12, 3)
    assert "演示账号已存在，未作改动" in run(app, "demo-data")
    assert (
        Account.select().count(),
        Accountant.select().count(),
        Collection.select().count(),
        Unit.select().count(),
    ) == counts
    assert {a.role for a in Account.select()} == {"province_admin", "reviewer", "unit_head", "auditor", "accountant"}
    assert all(a.must_change_password for a in Account.select().where(Account.role != "accountant"))


def test_demo_data_on_a_database_without_the_tree_says_what_to_run(app, ctx):
    Authority.update(code="old-15").where(Authority.code == "15").execute()  # the province has no tree yet
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code == 1 and "请先运行 flask --app console init-db" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_bench_with_a_missing_folder_says_so(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["bench", "--database", f"sqlite:///{tmp_path / 'nowhere' / 'b.db'}"])
    assert result.exit_code == 1 and "不存在" in result.output and "Traceback" not in result.output
