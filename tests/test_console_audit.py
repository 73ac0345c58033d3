"""The auditor reads and filters the audit log; nobody changes it."""

from tests.helpers import login, make_account


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
