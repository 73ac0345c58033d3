"""The credit bank import: CSV (UTF-8 or GBK) and XLSX, every row checked first, a per-line report,
nothing half-imported; and the accountant's yearly credits on the portal."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter

from console.errors import RuleViolation
from console.imports import education_credits
from models import AuditEntry, EducationCredit
from tests.factories import portal_account
from tests.helpers import csrf_token, make_account, make_accountant, resident_id, session_for

HEADER = "证件号码,年度,学分,专业科目学分,培训机构\n"


def csv_file(*lines, encoding="utf-8-sig"):
    return io.BytesIO((HEADER + "".join(line + "\n" for line in lines)).encode(encoding))


@pytest.fixture
def people(ctx):
    return [
        make_accountant(name=name, id_number=resident_id(serial=300 + n), phone=f"1390000030{n}")
        for n, name in enumerate(("赵学", "钱学"))
    ]


def imported():
    return sorted(
        (c.accountant.name, c.year, c.credits, c.professional_credits, c.provider) for c in EducationCredit.select()
    )


def test_a_good_file_imports_every_row_and_is_audited(people):
    zhao, qian = people
    count = education_credits.import_file(
        "学分.csv",
        csv_file(f"{zhao.id_number},2024,90,60,财政厅继续教育基地", f"{qian.id_number.lower()},2024,45.5,30,网络学院"),
        None,
    )
    assert count == 2
    assert imported() == [
        ("赵学", 2024, Decimal("90.0"), Decimal("60.0"), "财政厅继续教育基地"),
        ("钱学", 2024, Decimal("45.5"), Decimal("30.0"), "网络学院"),
    ]
    assert AuditEntry.get(AuditEntry.action == "education_credit.import").detail == '{"文件": "学分.csv", "行数": 2}'


def test_importing_the_same_person_year_and_provider_again_replaces_the_figures(people):
    zhao, _ = people
    education_credits.import_file("a.csv", csv_file(f"{zhao.id_number},2024,40,20,基地"), None)
    education_credits.import_file(
        "b.csv", csv_file(f"{zhao.id_number},2024,90,60,基地", f"{zhao.id_number},2024,10,10,另一机构"), None
    )
    assert imported() == [
        ("赵学", 2024, Decimal("10.0"), Decimal("10.0"), "另一机构"),
        ("赵学", 2024, Decimal("90.0"), Decimal("60.0"), "基地"),
    ]


def test_one_bad_row_refuses_the_file_with_every_error_by_line(people):
    zhao, qian = people
    with pytest.raises(education_credits.ImportRefused) as refused:
        education_credits.import_file(
            "学分.csv",
            csv_file(
                f"{zhao.id_number},2024,90,60,基地",  # line 2: good, but not imported
                f"{qian.id_number},1999,90,60,基地",
                f"{qian.id_number},2024,九十,60,基地",
                f"{qian.id_number},2024,50,60,基地",
                f"{qian.id_number},2024,90.25,60,基地",
                "150105199003070000,2024,90,60,基地",
                f"{zhao.id_number},2024,90,60,基地",
                ",2024,90,60,基地",
                f"{qian.id_number},2024,90,60,",
            ),
            None,
        )
    assert [(e.line, e.text) for e in refused.value.errors] == [
        (3, "年度“1999”不正确，应为 2000—2026 之间的年份"),
        (4, "学分“九十”不是数字"),
        (5, "专业科目学分不能大于学分"),
        (6, "学分“90.25”应为 0—999.9 之间、最多一位小数的数"),
        (7, "系统中没有证件号码为 150105199003070000 的会计人员"),
        (8, "与第 2 行重复（同一人、同一年度、同一培训机构）"),
        (9, "证件号码为空"),
        (10, "培训机构为空或超过 100 字"),
    ]
    assert str(refused.value) == "文件有 8 处错误，未导入任何数据；请改正后重新导入"
    assert EducationCredit.select().count() == 0


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("学分.txt", b"x", "请上传 CSV 或 XLSX 文件"),
        ("学分.csv", "身份证,年份\n".encode(), "第一行应为表头：证件号码、年度、学分、专业科目学分、培训机构"),
        ("学分.xlsx", b"not a workbook", "无法读取该 XLSX 文件，请确认文件未损坏"),
        ("学分.csv", HEADER.encode(), "文件中没有数据行"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(ctx, name, content, message):
    with pytest.raises(RuleViolation, match=message):
        education_credits.import_file(name, io.BytesIO(content), None)


def test_gbk_csv_and_xlsx_are_read_alike(people):
    zhao, qian = people
    education_credits.import_file("excel.csv", csv_file(f"{zhao.id_number},2023,90,60,基地", encoding="gb18030"), None)
    book = io.BytesIO()
    workbook = xlsxwriter.Workbook(book)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, education_credits.HEADER)
    sheet.write_row(1, 0, [qian.id_number, 2023, 72, 48, "网络学院"])  # numbers, as Excel stores them
    workbook.close()
    book.seek(0)
    education_credits.import_file("学分.xlsx", book, None)
    assert imported() == [
        ("赵学", 2023, Decimal("90.0"), Decimal("60.0"), "基地"),
        ("钱学", 2023, Decimal("72.0"), Decimal("48.0"), "网络学院"),
    ]


def test_the_console_page_lists_the_errors_and_keeps_nothing(app):
    with app.test_request_context():
        person = make_accountant(id_number=resident_id(serial=310), phone="13900000310")
    admin = make_account(app, "province_admin", "admin")
    client = session_for(app, admin)
    token = csrf_token(client, "/console/education_credit/")
    body = (HEADER + f"{person.id_number},2024,90,60,基地\n{person.id_number},2024,90,95,基地2\n").encode()
    page = client.post(
        "/console/education_credit/",
        data={"csrf_token": token, "file": (io.BytesIO(body), "学分.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    text = page.get_data(as_text=True)
    assert "失败" in text and "文件有 1 处错误" in text and "专业科目学分不能大于学分" in text and "<td>3</td>" in text
    assert "重新开始" not in text  # a refused file is corrected and uploaded again, not rerun
    assert EducationCredit.select().count() == 0
    body = (HEADER + f"{person.id_number},2024,90,60,基地\n").encode()
    done = client.post(
        "/console/education_credit/",
        data={"csrf_token": token, "file": (io.BytesIO(body), "学分.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "已完成" in done.get_data(as_text=True) and "导入 1 条" in done.get_data(as_text=True)
    assert not list((Path(app.config["STORAGE_DIR"])).rglob("*.csv"))  # the upload went once imported


def test_the_accountant_sees_each_years_credits_and_whether_the_year_is_complete(app):
    with app.test_request_context():
        person = make_accountant(id_number=resident_id(serial=311), phone="13900000311")
        person.archive_state = "archived"
        person.save()
        account = portal_account(person)
        education_credits.import_file(
            "a.csv",
            csv_file(
                f"{person.id_number},2024,60,40,基地",
                f"{person.id_number},2024,30,20,网络学院",
                f"{person.id_number},2025,90,50,基地",
            ),
            None,
        )
    page = session_for(app, account).get("/portal/").get_data(as_text=True)
    assert "<td>2025</td><td>90.0</td><td>50.0</td><td>未完成</td>" in page  # 50 < 2/3 of 90
    assert "<td>2024</td><td>90.0</td><td>60.0</td><td>已完成</td>" in page  # two providers add up
