"""Reviewer accounts imported from a CSV or XLSX file: all or nothing with the errors by line, each account's
one-time password sent by SMS to the phone of its line and shown nowhere else."""

import io
import json
import re

import pytest
from openpyxl import Workbook

from console.people import staff_import
from console.people.staff_import import HEADER, MAX_ACCOUNTS
from models import Account, AuditEntry, Authority, OutboxMessage
from tests.helpers import login, make_account, post_form, session_for

URL = "/console/account/import/"


def authority(code):
    return Authority.get(Authority.code == code)


def csv_file(*lines, header=HEADER):
    text = "\n".join(",".join(cells) for cells in (header, *lines)) + "\n"
    return io.BytesIO(text.encode("utf-8-sig")), "审核人员.csv"


def xlsx_file(*lines):
    """Numbers typed into Excel stay numbers: the phone and the code come as ints."""
    book, out = Workbook(), io.BytesIO()
    book.active.append(list(HEADER))
    for cells in lines:
        book.active.append([int(c) if c.isdigit() else c for c in cells])
    book.save(out)
    out.seek(0)
    return out, "审核人员.xlsx"


def upload(client, upload_file):
    return post_form(client, URL, {"file": upload_file} if upload_file else {})


def password_sent_to(phone):
    message = OutboxMessage.get(OutboxMessage.recipient == phone)
    return re.search(r"初始密码 (\S+?)。", message.body).group(1)


def nothing_written(accounts_before):
    assert Account.select().count() == accounts_before
    assert not OutboxMessage.select().exists()
    assert not AuditEntry.select().where(AuditEntry.action == "account.import").exists()


GOOD = (
    ("saihan_li", "李审核", "13900001111", "150105", "审核人员"),
    ("baotou_wang", "王审核", "13900002222", "1502", "审核人员"),
    ("baotou_admin", "赵管理", "13900003333", "1502", "省级管理员"),
)


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file])
def test_a_good_file_creates_every_account_and_texts_each_its_password(app, admin_client, make_file):
    response = upload(admin_client, make_file(*GOOD))
    assert response.status_code == 302 and response.headers["Location"] == "/console/account/"
    page = admin_client.get("/console/account/").get_data(as_text=True)
    assert "已导入 3 个账号，初始密码已用短信发到各自的手机" in page

    passwords = {}
    for username, name, phone, code, role in GOOD:
        account = Account.get(Account.username == username)
        assert (account.display_name, account.authority_id, account.role_label) == (name, authority(code).id, role)
        assert account.must_change_password and account.unit_id is None
        message = OutboxMessage.get(OutboxMessage.recipient == phone)
        assert message.channel == "sms" and message.template == "staff_password"
        assert f"账号 {username}，初始密码" in message.body and message.body.startswith("【")
        passwords[username] = password_sent_to(phone)
        assert passwords[username] not in page
    assert OutboxMessage.select().count() == 3

    reviewer = app.test_client()
    assert login(reviewer, "saihan_li", password=passwords["saihan_li"]).status_code == 302
    assert reviewer.get("/console/").headers["Location"] == "/console/password"

    entry = AuditEntry.get(AuditEntry.action == "account.import")
    assert json.loads(entry.detail) == {"文件": make_file(*GOOD)[1], "账号数": 3, "账号": [g[0] for g in GOOD]}
    assert entry.actor.username == "admin"
    details = "".join(e.detail for e in AuditEntry.select())
    assert not any(password in details for password in passwords.values())


def test_any_bad_line_refuses_the_whole_file_with_every_error_by_line(app, admin_client):
    Authority.update(is_active=False).where(Authority.code == "150203").execute()
    before = Account.select().count()
    response = upload(
        admin_client,
        csv_file(
            ("saihan_li", "李审核", "13900001111", "150105", "审核人员"),
            ("", "无名", "13900001112", "150105", "审核人员"),
            ("1abc", "数字开头", "13900001113", "150105", "审核人员"),
            ("saihan_li", "重名", "13900001114", "150105", "审核人员"),
            ("admin", "已有", "13900001115", "150105", "审核人员"),
            ("no_name", "", "13900001116", "150105", "审核人员"),
            ("long_name", "长" * 31, "13900001117", "150105", "审核人员"),
            ("bad_phone", "电话错", "0471-6945678", "150105", "审核人员"),
            ("no_phone", "没电话", "", "150105", "审核人员"),
            ("unknown", "没机构", "13900001118", "999999", "审核人员"),
            ("closed", "停用机构", "13900001119", "150203", "审核人员"),
            ("no_code", "没编号", "13900001120", "", "审核人员"),
            ("bad_role", "会计", "13900001121", "150105", "会计人员"),
            ("no_role", "没角色", "13900001122", "150105", ""),
            ("x", "", "139", "999999", "审计员"),
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "文件有 18 处错误，未导入任何数据；请改正后重新导入" in page
    for line, text in [
        (3, "用户名为空"),
        (4, "用户名“1abc”不符合要求：4-20 位字母、数字或下划线，以字母开头"),
        (5, "用户名“saihan_li”与第 2 行重复"),
        (6, "用户名“admin”已被使用"),
        (7, "姓名为空"),
        (8, "姓名超过 30 字"),
        (9, "手机号“0471-6945678”不是 11 位的手机号码"),
        (10, "手机号为空"),
        (11, "系统中没有编号为 999999 的会计管理机构"),
        (12, "“昆都仑区财政局”（编号 150203）已停用"),
        (13, "机构编号为空"),
        (14, "角色“会计人员”不正确，应为“审核人员”或“省级管理员”"),
        (15, "角色为空"),
    ]:
        assert f"<tr><td>{line}</td><td>{text}</td></tr>" in page
    for text in ("用户名“x”不符合要求", "姓名为空", "手机号“139”不是", "编号为 999999", "角色“审计员”不正确"):
        assert re.search(f"<tr><td>16</td><td>[^<]*{text}", page)  # every cell of a line checked
    assert "<tr><td>2</td>" not in page
    nothing_written(before)


@pytest.mark.parametrize(
    "upload_file, message",
    [
        (None, "请选择要导入的文件"),
        ((io.BytesIO(b"x"), "accounts.txt"), "请上传 CSV 或 XLSX 文件"),
        (csv_file(GOOD[0], header=("账号", "姓名")), "第一行应为表头：用户名、姓名、手机号、机构编号、角色"),
        (csv_file(), "文件中没有数据行"),
        ((io.BytesIO(b"not a workbook"), "accounts.xlsx"), "无法读取该 XLSX 文件"),
        (
            csv_file(*[(f"user{n}", "某某", "13900001111", "150105", "审核人员") for n in range(MAX_ACCOUNTS + 1)]),
            f"一个文件最多 {MAX_ACCOUNTS} 个账号，请分成几个文件导入",
        ),
    ],
)
def test_a_file_that_cannot_be_taken_is_refused_at_the_field(admin_client, upload_file, message):
    before = Account.select().count()
    response = upload(admin_client, upload_file)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page and 'class="invalid-feedback d-block"' in page
    nothing_written(before)


def test_a_name_taken_while_the_file_is_written_leaves_nothing_of_it(app, admin_client, monkeypatch):
    """Another admin may take a name between the check and the write: the database refuses it, the file goes
    back whole, the accounts of the lines before it undone."""
    monkeypatch.setattr(staff_import, "_username", lambda seen, username: username)
    before = Account.select().count()
    response = upload(admin_client, csv_file(GOOD[0], ("admin", "已有", "13900001115", "150105", "审核人员")))
    assert response.status_code == 422
    assert "文件中的用户名刚被其他账号使用，未导入任何数据" in response.get_data(as_text=True)
    nothing_written(before)


def test_a_city_admin_imports_reviewers_for_its_own_tree_only(app):
    city_admin = session_for(app, make_account(app, "province_admin", "hohhot", authority=authority("1501")))
    page = city_admin.get(URL).get_data(as_text=True)
    assert "角色填写“审核人员”。" in page
    response = upload(
        city_admin,
        csv_file(
            ("saihan_li", "李审核", "13900001111", "150105", "审核人员"),
            ("kundulun", "昆审核", "13900002222", "150203", "审核人员"),
            ("hohhot_two", "呼管理", "13900003333", "1501", "省级管理员"),
        ),
    )
    page = response.get_data(as_text=True)
    assert "<tr><td>3</td><td>“昆都仑区财政局”不在本机构管理范围内" in page
    assert "<tr><td>4</td><td>省级管理员账号只能由省本级的管理员导入" in page
    assert not Account.select().where(Account.username == "saihan_li").exists()

    assert upload(city_admin, csv_file(GOOD[0])).status_code == 302
    assert Account.get(Account.username == "saihan_li").authority_id == authority("150105").id


def test_the_account_list_links_to_the_import(admin_client):
    page = admin_client.get("/console/account/").get_data(as_text=True)
    assert f'href="{URL}">导入审核人员账号' in page
    page = admin_client.get(URL).get_data(as_text=True)
    assert "角色填写“审核人员”或“省级管理员”" in page and f"最多 {MAX_ACCOUNTS} 个账号" in page


@pytest.mark.parametrize("role", ["reviewer", "unit_head", "accountant", "auditor", None])
def test_only_admins_may_import(app, role):
    client = session_for(app, role and make_account(app, role, f"user_{role}"))
    expected = 302 if role is None else 403
    assert client.get(URL).status_code == expected
    token_page = "/console/login" if role is None else "/console/password"  # a CSRF token of the same session
    assert post_form(client, URL, {"file": csv_file(GOOD[0])}, page_url=token_page).status_code == expected
    assert not Account.select().where(Account.username == "saihan_li").exists()
    assert not OutboxMessage.select().exists()
