"""The old certificate database: every column checked, all or nothing, idempotent; its people sign in
with the profile's initial password, change it, and find the wizard prefilled; the review shows
what they changed against it."""

import io
from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter

from console.collection import lifecycle
from console.errors import RuleViolation
from console.imports import legacy, tables
from console.infra.dictionaries import load_dictionaries
from console.people import sign_in
from console.review import diff
from models import (
    Account,
    AuditEntry,
    Education,
    Job,
    LegacyRecord,
    PersonalSection,
    PostSection,
    QualificationSection,
)
from tests.factories import complete, unit_code
from tests.helpers import (
    CAPTCHA_TEXT,
    csrf_token,
    make_account,
    make_accountant,
    post_form,
    resident_id,
    session_for,
    sms_code_to,
)

HEADER = ",".join(legacy.HEADER) + "\n"
SUN = resident_id("150105", "19900512", 135)  # 男
QIAN = resident_id("150203", "19951120", 142)  # 女


def sun(**changes):
    row = {
        "姓名": "孙旧",
        "证件类型": "居民身份证",
        "证件号码": SUN,
        "性别": "男",
        "出生日期": "1990-05-12",
        "手机号码": "13800000135",
        "单位统一社会信用代码": unit_code("150105"),
        "单位名称": "示范单位",
        "学历": "本科",
        "专业技术资格": "初级",
        "原证书编号": "150100123456",
        "开始从事会计工作时间": "2003/7/1",
        "民族": "蒙古族",
        "政治面貌": "群众",
        "学历专业": "会计学",
        "毕业院校": "内蒙古财经学院",
        "毕业日期": "2003-06-30",
        "学位": "学士",
        "岗位": "出纳",
        "专业技术资格类型": "会计类",
        "专业技术资格取得时间": "2006-05-20",
    }
    return ",".join({**row, **changes}[column] for column in legacy.HEADER)


def qian(**changes):
    row = {
        "姓名": "钱旧",
        "证件类型": "",
        "证件号码": QIAN,
        "性别": "",
        "出生日期": "",
        "手机号码": "13800000142",
        "单位统一社会信用代码": "",
        "单位名称": "",
        "学历": "大专",
        "专业技术资格": "",
        "原证书编号": "",
        "开始从事会计工作时间": "",
        **dict.fromkeys(legacy.HEADER[legacy.ORIGINAL :], ""),
    }
    return ",".join({**row, **changes}[column] for column in legacy.HEADER)


def csv_file(*lines, header=HEADER):
    return io.BytesIO((header + "".join(line + "\n" for line in lines)).encode("utf-8-sig"))


def original(line):
    """A line of the format before the other columns were kept: its first 12 columns."""
    return ",".join(line.split(",")[: legacy.ORIGINAL])


ORIGINAL_HEADER = ",".join(legacy.HEADER[: legacy.ORIGINAL]) + "\n"


@pytest.fixture
def dictionaries(ctx):
    load_dictionaries()


def test_a_file_imports_once_and_again_changes_nothing(dictionaries):
    assert legacy.import_file("原数据.csv", csv_file(sun(), qian()), None) == {"新增": 2, "更新": 0, "未变": 0}
    first = {r.id_number: r.imported_at for r in LegacyRecord.select()}
    held = LegacyRecord.get(LegacyRecord.id_number == SUN)
    assert (held.gender, held.birth_date, held.work_started_on) == ("male", date(1990, 5, 12), date(2003, 7, 1))
    derived = LegacyRecord.get(LegacyRecord.id_number == QIAN)
    assert (derived.id_type, derived.gender, derived.birth_date) == ("resident", "female", date(1995, 11, 20))
    assert legacy.import_file("原数据.csv", csv_file(sun(), qian()), None) == {"新增": 0, "更新": 0, "未变": 2}
    assert {r.id_number: r.imported_at for r in LegacyRecord.select()} == first
    assert legacy.import_file("更正.csv", csv_file(sun(学历="硕士研究生"), qian()), None) == {
        "新增": 0,
        "更新": 1,
        "未变": 1,
    }
    assert LegacyRecord.get(LegacyRecord.id_number == SUN).education_level == "硕士研究生"
    assert AuditEntry.select().where(AuditEntry.action == "legacy.import").count() == 3


def test_every_column_is_checked_and_one_bad_row_refuses_the_file(dictionaries):
    make_accountant(name="占号", id_number=resident_id(serial=901), phone="13800000901")
    with pytest.raises(tables.ImportRefused) as refused:
        legacy.import_file(
            "原数据.csv",
            csv_file(
                sun(),
                qian(姓名="", 证件类型="军人证"),
                qian(证件号码=QIAN[:-1] + ("0" if QIAN[-1] != "0" else "1")),
                qian(性别="男", 出生日期="1995-11-21"),
                qian(手机号码="12345", 单位统一社会信用代码="91150105MA0000000X", 学历="博士后"),
                qian(开始从事会计工作时间="2099-01-01", 原证书编号="x" * 51),
                qian(出生日期="昨天"),
                sun(姓名="孙重复"),
                qian(手机号码="13800000135"),
                qian(手机号码="13800000901"),
            ),
            None,
        )
    assert [(e.line, e.text) for e in refused.value.errors] == [
        (3, "姓名：不能为空，且不超过 50 字"),
        (3, "证件类型：应为 居民身份证、港澳台居民证件、护照、军官证 之一"),
        (4, "证件号码：身份证号码校验位不正确，请逐位核对"),
        (5, "性别：与证件号码不一致"),
        (5, "出生日期：与证件号码不一致"),
        (6, "手机号码：应为 11 位手机号码"),
        (6, "单位统一社会信用代码：不是有效的 18 位统一社会信用代码"),
        (6, "学历：“博士后”不在字典中"),
        (7, "原证书编号：不超过 50 字"),
        (7, "开始从事会计工作时间：晚于今天"),
        (8, "出生日期：“昨天”不是日期，应写作 2015-03-01"),
        (9, "证件号码：与第 2 行重复"),
        (10, "手机号码：与第 2 行相同，一个手机号只能对应一个证件号"),
        (11, "手机号码：已由证件号码 150105********9019 使用，一个手机号只能对应一个证件号"),
    ]
    assert LegacyRecord.select().count() == 0


def test_xlsx_dates_and_numbers_are_read_as_excel_stores_them(dictionaries):
    book = io.BytesIO()
    workbook = xlsxwriter.Workbook(book)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, legacy.HEADER)
    dated = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(1, 0, ["孙旧", "居民身份证", SUN, "男"])
    sheet.write_datetime(1, 4, datetime(1990, 5, 12), dated)
    sheet.write_number(1, 5, 13800000135)  # a phone typed as a number
    sheet.write_row(1, 6, [unit_code("150105"), "示范单位", "本科", "初级", "150100123456"])
    sheet.write_datetime(1, 11, datetime(2003, 7, 1), dated)
    workbook.close()
    book.seek(0)
    assert legacy.import_file("原数据.xlsx", book, None)["新增"] == 1
    held = LegacyRecord.get()
    assert (held.phone, held.work_started_on) == ("13800000135", date(2003, 7, 1))


def test_an_imported_person_signs_in_changes_the_password_and_finds_the_wizard_prefilled(app, client):
    with app.test_request_context():
        load_dictionaries()
        legacy.import_file("原数据.csv", csv_file(sun()), None)
    token = csrf_token(client, "/portal/login")
    client.get("/captcha.png")
    wrong = client.post(
        "/portal/login", data={"csrf_token": token, "id_number": SUN, "password": "nmg*124#", "captcha": CAPTCHA_TEXT}
    )
    assert "账号或密码错误" in wrong.get_data(as_text=True) and Account.select().count() == 0
    token = csrf_token(client, "/portal/login")
    client.get("/captcha.png")
    asked = client.post(
        "/portal/login", data={"csrf_token": token, "id_number": SUN, "password": "nmg*123#", "captcha": CAPTCHA_TEXT}
    )
    assert asked.headers["Location"] == "/portal/login/first" and Account.select().count() == 0
    page = client.get("/portal/login/first").get_data(as_text=True)
    assert "短信验证码已发送至 138****0135" in page  # the phone the old record holds, not one the visitor types
    empty = post_form(client, "/portal/login/first", {"sms_code": ""}).get_data(as_text=True)
    assert "请输入短信验证码" in empty and Account.select().count() == 0
    code = sms_code_to("13800000135")
    wrong = post_form(client, "/portal/login/first", {"sms_code": f"{(int(code) + 1) % 10**6:06d}"})
    wrong = wrong.get_data(as_text=True)
    assert "验证码错误" in wrong and Account.select().count() == 0
    signed = post_form(client, "/portal/login/first", {"sms_code": code})
    assert signed.status_code == 302
    forced = client.get("/portal/", follow_redirects=True).get_data(as_text=True)
    assert "首次登录或密码已重置，请先设置新密码" in forced
    token = csrf_token(client, "/console/password")
    changed = client.post(
        "/console/password",
        data={"csrf_token": token, "current": "nmg*123#", "new": "Grassland#2026", "confirm": "Grassland#2026"},
    )
    assert changed.headers["Location"].endswith("/portal/")
    account = Account.get()
    assert (account.accountant.name, account.must_change_password) == ("孙旧", False)
    client.get("/portal/collection/")
    draft = account.accountant.collections.get()
    post = PostSection.get(PostSection.collection == draft)
    assert (post.unit_uscc, post.work_started_on) == (unit_code("150105"), date(2003, 7, 1))
    assert Education.get(Education.collection == draft).level == "本科"
    assert QualificationSection.get(QualificationSection.collection == draft).certificate_no == "150100123456"


def test_without_a_phone_the_imported_person_registers_first(app, ctx):
    load_dictionaries()
    legacy.import_file("原数据.csv", csv_file(sun(手机号码="")), None)
    with pytest.raises(RuleViolation, match="请先注册后再登录"):
        sign_in.legacy_first_sign_in(app.extensions["profile"], SUN, "nmg*123#")
    assert sign_in.legacy_first_sign_in(app.extensions["profile"], QIAN, "nmg*123#") is None


def test_the_review_shows_what_was_changed_against_the_old_record(app, ctx, scans):
    load_dictionaries()
    legacy.import_file("原数据.csv", csv_file(sun(学历="大专")), None)
    record = sign_in.legacy_first_sign_in(app.extensions["profile"], SUN, "nmg*123#")
    account = sign_in.complete_legacy_sign_in(app.extensions["profile"], SUN, sms_code_to(record.phone))
    draft = lifecycle.open_draft(account.accountant)
    complete(app, draft, scans)  # a careful applicant's answers: 本科, another unit, work from 2012
    sent = lifecycle.submit(draft, account, app.extensions["profile"])
    assert sent.status == "submitted"  # changed against the old record: a person reviews it
    fields, files = diff.of(sent)
    assert ("education", "full_time_level", "大专", "本科") in fields
    assert ("post", "work_started_on", "2003-07-01", "2012-08-01") in fields and files == []


def test_the_console_page_and_the_command_report_errors_by_line(app, tmp_path):
    admin = make_account(app, "province_admin", "admin")
    with app.test_request_context():
        load_dictionaries()
    client = session_for(app, admin)
    token = csrf_token(client, "/console/legacy_import/")
    refused = client.post(
        "/console/legacy_import/",
        content_type="multipart/form-data",
        data={"csrf_token": token, "file": (io.BytesIO(csv_file(sun(), qian(姓名="")).getvalue()), "原数据.csv")},
        follow_redirects=True,
    )
    assert refused.status_code == 200 and "姓名：不能为空" in refused.get_data(as_text=True)
    assert LegacyRecord.select().count() == 0
    path = tmp_path / "原数据.csv"
    path.write_bytes(csv_file(sun(), qian()).getvalue())
    done = app.test_cli_runner().invoke(args=["import-legacy", str(path)])
    assert done.exit_code == 0 and "新增 2 条" in done.output
    path.write_bytes(csv_file(sun(性别="女")).getvalue())
    bad = app.test_cli_runner().invoke(args=["import-legacy", str(path)])
    assert bad.exit_code == 1 and "第 2 行：性别：与证件号码不一致" in bad.output


def test_a_file_of_bad_rows_is_read_only_until_its_thousandth_error(app, dictionaries):
    bad = [qian(证件号码="15010519900512001X", 手机号码="") for _ in range(3000)]  # a wrong check digit each
    with pytest.raises(tables.ImportRefused) as refused:
        legacy.import_file("原数据.csv", csv_file(*bad), None)
    assert len(refused.value.errors) == tables.MAX_ERRORS == 1000
    assert str(refused.value) == "读到第 1001 行已有 1000 处错误，后面的行未再检查，未导入任何数据；请改正后重新导入"
    assert LegacyRecord.select().count() == 0


def test_the_upload_refuses_no_file_and_a_wrong_kind_before_any_job(app):
    admin = make_account(app, "province_admin", "admin")
    client = session_for(app, admin)
    token = csrf_token(client, "/console/legacy_import/")
    empty = client.post("/console/legacy_import/", data={"csrf_token": token}, content_type="multipart/form-data")
    assert empty.status_code == 422 and "请选择要导入的文件" in empty.get_data(as_text=True)
    wrong = client.post(
        "/console/legacy_import/",
        data={"csrf_token": token, "file": (io.BytesIO(b"x"), "原数据.txt")},
        content_type="multipart/form-data",
    )
    assert wrong.status_code == 422 and "请上传 CSV 或 XLSX 文件" in wrong.get_data(as_text=True)
    with app.app_context():
        assert Job.select().count() == 0
    assert not list(Path(app.config["STORAGE_DIR"]).rglob("*.*"))  # nothing of either was stored


def test_every_column_the_archive_keeps_is_imported_and_prefills_the_collection(app, ctx):
    load_dictionaries()
    legacy.import_file("原数据.csv", csv_file(sun()), None)
    held = LegacyRecord.get()
    assert (held.ethnicity, held.political_status, held.post) == ("蒙古族", "群众", "出纳")
    assert (held.education_major, held.education_school, held.education_degree) == ("会计学", "内蒙古财经学院", "学士")
    assert (held.graduated_on, held.qualification_kind, held.qualification_acquired_on) == (
        date(2003, 6, 30),
        "会计类",
        date(2006, 5, 20),
    )
    record = sign_in.legacy_first_sign_in(app.extensions["profile"], SUN, "nmg*123#")
    account = sign_in.complete_legacy_sign_in(app.extensions["profile"], SUN, sms_code_to(record.phone))
    draft = lifecycle.open_draft(account.accountant)
    personal = PersonalSection.get(PersonalSection.collection == draft)
    assert (personal.name, personal.ethnicity, personal.political_status) == ("孙旧", "蒙古族", "群众")
    assert PostSection.get(PostSection.collection == draft).post == "出纳"
    education = Education.get(Education.collection == draft)
    assert (education.degree, education.major, education.school, education.graduated_on) == (
        "学士",
        "会计学",
        "内蒙古财经学院",
        date(2003, 6, 30),
    )
    qualification = QualificationSection.get(QualificationSection.collection == draft)
    assert (qualification.kind, qualification.acquired_on) == ("会计类", date(2006, 5, 20))


def test_each_new_column_is_checked_and_a_bad_value_refuses_the_file(dictionaries):
    with pytest.raises(tables.ImportRefused) as refused:
        legacy.import_file(
            "原数据.csv",
            csv_file(
                sun(),
                qian(民族="火星族", 政治面貌="党员", 学位="学霸"),
                qian(学历专业="会" * 51, 毕业院校="校" * 101, 岗位="老板"),
                qian(毕业日期="2099-07-01", 专业技术资格类型="工程类", 专业技术资格取得时间="去年"),
            ),
            None,
        )
    assert [(e.line, e.text) for e in refused.value.errors] == [
        (3, "民族：“火星族”不在字典中"),
        (3, "政治面貌：“党员”不在字典中"),
        (3, "学位：“学霸”不在字典中"),
        (4, "学历专业：不超过 50 字"),
        (4, "毕业院校：不超过 100 字"),
        (4, "岗位：“老板”不在字典中"),
        (5, "毕业日期：晚于今天"),
        (5, "专业技术资格类型：“工程类”不在字典中"),
        (5, "专业技术资格取得时间：“去年”不是日期，应写作 2015-03-01"),
    ]
    assert LegacyRecord.select().count() == 0  # the good first line neither


def test_a_file_of_the_first_twelve_columns_still_imports_and_leaves_the_others_as_held(dictionaries):
    assert legacy.import_file("全部.csv", csv_file(sun()), None)["新增"] == 1
    old = csv_file(original(sun()), original(qian()), header=ORIGINAL_HEADER)
    assert legacy.import_file("旧格式.csv", old, None) == {"新增": 1, "更新": 0, "未变": 1}
    changed = csv_file(original(sun(学历="硕士研究生")), header=ORIGINAL_HEADER)
    assert legacy.import_file("旧格式.csv", changed, None) == {"新增": 0, "更新": 1, "未变": 0}
    held = LegacyRecord.get(LegacyRecord.id_number == SUN)
    assert (held.education_level, held.ethnicity, held.graduated_on) == ("硕士研究生", "蒙古族", date(2003, 6, 30))
    assert LegacyRecord.get(LegacyRecord.id_number == QIAN).ethnicity == ""


def test_a_header_of_neither_format_names_the_whole_header(dictionaries):
    wrong = ",".join(legacy.HEADER[:13]) + ",学位\n"
    with pytest.raises(RuleViolation) as refused:
        legacy.import_file("原数据.csv", csv_file(header=wrong), None)
    assert str(refused.value) == f"第一行应为表头：{'、'.join(legacy.HEADER)}"
    assert LegacyRecord.select().count() == 0


def test_the_review_compares_the_new_columns_and_the_system_pass_needs_them_unchanged(app, ctx, scans):
    load_dictionaries()
    legacy.import_file("原数据.csv", csv_file(sun()), None)
    record = sign_in.legacy_first_sign_in(app.extensions["profile"], SUN, "nmg*123#")
    account = sign_in.complete_legacy_sign_in(app.extensions["profile"], SUN, sms_code_to(record.phone))
    draft = lifecycle.open_draft(account.accountant)
    complete(app, draft, scans)  # 汉族 and 内蒙古财经大学, where the old database held 蒙古族 and 内蒙古财经学院
    sent = lifecycle.submit(draft, account, app.extensions["profile"])
    fields, _ = diff.of(sent)
    assert ("personal", "ethnicity", "蒙古族", "汉族") in fields
    assert ("education", "full_time_school", "内蒙古财经学院", "内蒙古财经大学") in fields
    assert sent.status == "submitted"
