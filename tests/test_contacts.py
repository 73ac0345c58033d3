"""Each authority's phones, address and office hours: edited in the console, imported from a file all or
nothing with its errors by line, and shown on the public directory without a number where none is given."""

import io
import json

import pytest
from openpyxl import Workbook

from console.content.contacts import HEADER
from models import AuditEntry, Authority
from tests.factories import content
from tests.helpers import make_account, post_form, session_for


def authority(code):
    return Authority.get(Authority.code == code)


def csv_file(*lines, header=HEADER):
    text = "\n".join(",".join(cells) for cells in (header, *lines)) + "\n"
    return io.BytesIO(text.encode("utf-8-sig")), "联系方式.csv"


def xlsx_file(*lines):
    book, out = Workbook(), io.BytesIO()
    for cells in (HEADER, *lines):
        book.active.append(list(cells))
    book.save(out)
    out.seek(0)
    return out, "联系方式.xlsx"


def upload(client, upload_file):
    return post_form(client, "/console/authority/contacts/", {"file": upload_file} if upload_file else {})


def contacts_of(code):
    a = authority(code)
    return a.phones, a.address, a.office_hours


def test_the_authority_form_keeps_office_hours_and_the_directory_shows_them(admin_client):
    saihan = authority("150105")
    data = {
        "name": saihan.name,
        "parent": str(saihan.parent_id),
        "run_by": "",
        "phones": "0471-6945678",
        "address": "敕勒川大街 1 号",
        "office_hours": "工作日 8:30-12:00，14:30-17:30",
        "sort_order": "0",
    }
    assert post_form(admin_client, f"/console/authority/edit/?id={saihan.id}", data).status_code == 302
    assert contacts_of("150105") == ("0471-6945678", "敕勒川大街 1 号", "工作日 8:30-12:00，14:30-17:30")
    page = admin_client.get("/directory").get_data(as_text=True)
    assert "地址：敕勒川大街 1 号；办公时间：工作日 8:30-12:00，14:30-17:30" in page
    assert "暂无电话" in page  # the bureaus no file or form gave a number


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file])
def test_a_good_file_updates_every_authority_it_names_and_an_empty_cell_keeps_what_is_held(admin_client, make_file):
    Authority.update(address="旧地址").where(Authority.code == "150105").execute()
    response = upload(
        admin_client,
        make_file(
            ("150105", "0471-6945678；0471-6945679", "", "工作日 9:00-17:00"),
            ("1502", "0472-5123456", "包头市钢铁大街 1 号", ""),
        ),
    )
    assert response.status_code == 302
    assert contacts_of("150105") == ("0471-6945678；0471-6945679", "旧地址", "工作日 9:00-17:00")
    assert contacts_of("1502") == ("0472-5123456", "包头市钢铁大街 1 号", "")
    assert authority("1502").edited_in_console  # load-authorities leaves it alone from now on
    entry = AuditEntry.get(AuditEntry.action == "authority.contacts_import")
    assert json.loads(entry.detail)["机构数"] == 2


def test_any_bad_line_refuses_the_whole_file_with_its_errors_by_line(admin_client):
    response = upload(
        admin_client,
        csv_file(
            ("150105", "0471-6945678", "", ""),
            ("999999", "0471-6945678", "", ""),
            ("1502", "0472-51", "", ""),
            ("150105", "", "重复", ""),
            ("150203", "", "", ""),
            ("", "0471-6945678", "", ""),
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "文件有 5 处错误，未导入任何数据" in page
    for line, text in [
        (3, "系统中没有编号为 999999 的会计管理机构"),
        (4, "电话号码格式不正确：0472-51"),
        (5, "与第 2 行是同一机构（编号 150105）"),
        (6, "联系电话、地址和办公时间都为空"),
        (7, "机构编号为空"),
    ]:
        assert f"<tr><td>{line}</td><td>{text}" in page
    assert contacts_of("150105") == ("", "", "") and contacts_of("1502") == ("", "", "")
    assert not AuditEntry.select().where(AuditEntry.action == "authority.contacts_import").exists()


@pytest.mark.parametrize(
    "upload_file, message",
    [
        (None, "请选择要导入的文件"),
        ((io.BytesIO(b"x"), "contacts.txt"), "请上传 CSV 或 XLSX 文件"),
        (
            csv_file(("150105", "0471-6945678", "", ""), header=("编号", "电话")),
            "第一行应为表头：机构编号、联系电话、地址、办公时间",
        ),
        (csv_file(), "文件中没有数据行"),
        ((io.BytesIO(b"not a workbook"), "contacts.xlsx"), "无法读取该 XLSX 文件"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_at_the_field(admin_client, upload_file, message):
    response = upload(admin_client, upload_file)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page and 'class="invalid-feedback d-block"' in page


def test_a_city_admin_imports_for_its_own_tree_only(app):
    city_admin = session_for(app, make_account(app, "province_admin", "hohhot", authority=authority("1501")))
    response = upload(city_admin, csv_file(("150105", "0471-6945678", "", ""), ("150203", "0472-5123456", "", "")))
    assert "<tr><td>3</td><td>“昆都仑区财政局”不在本机构管理范围内" in response.get_data(as_text=True)
    assert contacts_of("150105")[0] == ""
    assert upload(city_admin, csv_file(("150105", "0471-6945678", "", ""))).status_code == 302
    assert contacts_of("150105")[0] == "0471-6945678"


def test_reviewers_cannot_import(app):
    reviewer = session_for(app, make_account(app, "reviewer", "saihan", authority=authority("150105")))
    assert reviewer.get("/console/authority/contacts/").status_code == 403
    assert "导入联系方式" not in reviewer.get("/console/authority/").get_data(as_text=True)


def test_the_contact_channels_the_admin_publishes_stand_on_the_directory(app, client):
    with app.app_context():
        content(
            authority("15"),
            "身份证号码错误的更正",
            kind="contact",
            body="请发送邮件至 [nmgjxjy@126.com](mailto:nmgjxjy@126.com)，并附公安机关出具的证明。",
        )
        content(authority("15"), "未发布的渠道", kind="contact", state="draft")
    page = client.get("/directory").get_data(as_text=True)
    assert "身份证号码错误的更正" in page and 'href="mailto:nmgjxjy@126.com"' in page
    assert "未发布的渠道" not in page
