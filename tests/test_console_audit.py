"""The auditor reads and filters the audit log; nobody changes it."""

import re

from tests.helpers import login, make_account, post_form, session_for


def test_auditor_filters_sign_ins_by_action(app, client):
    make_account(app, "reviewer", "reviewer")
    make_account(app, "auditor", "auditor")
    login(app.test_client(), "reviewer", password="wrong")
    login(app.test_client(), "reviewer")
    login(client, "auditor")

    page = client.get("/console/audit/").get_data(as_text=True)
    assert "登录失败" in page and "登录成功" in page and "原因：密码错误" in page and "127.0.0.1" in page

    failures = client.get("/console/audit/", query_string={"flt0_0": "login.failure"}).get_data(as_text=True)
    assert "登录失败" in failures and "登录成功" not in failures


def test_the_log_offers_no_change(app, client):
    make_account(app, "auditor", "auditor")
    login(client, "auditor")
    page = client.get("/console/audit/").get_data(as_text=True)
    assert "/console/audit/new/" not in page and "/console/audit/edit/" not in page
    assert "/console/audit/delete/" not in page


def test_the_log_names_objects_and_conditions_in_words(app, client):
    reviewer = make_account(app, "reviewer", "reviewer")
    me = session_for(app, reviewer)
    me.get("/console/review/export.csv?q=150105199003070124&on_duty=1")
    post_form(
        me,
        "/console/password",
        {"current": "Correct#Horse9", "new": "Another#Horse8", "confirm": "Another#Horse8"},
    )
    make_account(app, "auditor", "auditor")
    login(client, "auditor")
    page = client.get("/console/audit/").get_data(as_text=True)
    assert "条件：状态：待审核；在岗：是；搜索：150105********0124" in page and "150105199003070124" not in page
    cells = [re.sub(r"\s+", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", page, re.S)]
    changed = cells.index("修改密码")
    assert cells[changed + 1] == "账号" and cells[changed + 2] == str(reviewer.id)
