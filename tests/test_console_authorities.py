"""The authority console: the provincial admin edits, moves, deactivates and merges; reviewers only read."""

import json
import logging

import pytest

from models import AuditEntry, Authority, Unit
from tests.helpers import csrf_token, post_form


def authority(name):
    return Authority.get(Authority.name == name)


def edit_data(a, **changes):
    data = {
        "name": a.name,
        "parent": str(a.parent_id or "__None"),
        "run_by": a.run_by or "",
        "phones": a.phones,
        "address": a.address,
        "sort_order": str(a.sort_order),
    }
    return {**data, **changes}


def test_admin_edits_a_bureau_phone(admin_client):
    saihan = authority("赛罕区财政局")
    url = f"/console/authority/edit/?id={saihan.id}"
    response = post_form(admin_client, url, edit_data(saihan, phones="0471-6945678， 13912345678"))
    assert response.status_code == 302
    saved = authority("赛罕区财政局")
    assert saved.phones == "0471-6945678；13912345678" and saved.edited_in_console
    entry = AuditEntry.get(AuditEntry.action == "authority.update")
    assert json.loads(entry.detail)["联系电话"] == {"原": "", "改为": "0471-6945678；13912345678"}


def test_bad_phone_is_refused_in_chinese_and_the_form_keeps_what_was_typed(admin_client):
    saihan = authority("赛罕区财政局")
    url = f"/console/authority/edit/?id={saihan.id}"
    response = post_form(admin_client, url, edit_data(saihan, phones="0471-69", address="敕勒川大街 1 号"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "电话号码格式不正确：0471-69" in page
    assert "敕勒川大街 1 号" in page and 'value="0471-69"' in page
    unchanged = authority("赛罕区财政局")
    assert unchanged.phones == "" and unchanged.address == "" and not unchanged.edited_in_console
    assert not AuditEntry.select().where(AuditEntry.action == "authority.update").exists()


def test_empty_name_is_refused(admin_client):
    saihan = authority("赛罕区财政局")
    page = post_form(admin_client, f"/console/authority/edit/?id={saihan.id}", edit_data(saihan, name="")).get_data(
        as_text=True
    )
    assert "该字段是必填字段。" in page
    assert authority("赛罕区财政局").name == "赛罕区财政局"


def test_move_under_another_city(admin_client):
    saihan, baotou = authority("赛罕区财政局"), authority("包头市财政局")
    post_form(admin_client, f"/console/authority/edit/?id={saihan.id}", edit_data(saihan, parent=str(baotou.id)))
    assert authority("赛罕区财政局").parent_id == baotou.id


def test_move_below_itself_is_refused(admin_client):
    hohhot, saihan = authority("呼和浩特市财政局"), authority("赛罕区财政局")
    url = f"/console/authority/edit/?id={hohhot.id}"
    page = post_form(admin_client, url, edit_data(hohhot, parent=str(saihan.id))).get_data(as_text=True)
    assert "不是有效的选择。" in page  # its own subtree is not offered as a parent
    assert authority("呼和浩特市财政局").parent.name == "内蒙古自治区财政厅"


def test_admin_adds_an_authority(admin_client):
    root = authority("内蒙古自治区财政厅")
    response = post_form(
        admin_client,
        "/console/authority/new/",
        {
            "code": "15-MS",
            "name": "呼和浩特市直属",
            "level": "city",
            "parent": str(root.id),
            "region_code": "",
            "special": "y",
            "run_by": "",
            "phones": "0471-1111111",
            "address": "",
            "sort_order": "0",
        },
    )
    assert response.status_code == 302
    created = authority("呼和浩特市直属")
    assert created.special and created.edited_in_console and created.parent_id == root.id
    assert AuditEntry.select().where(AuditEntry.action == "authority.create").count() == 1


def test_merge_through_the_console(admin_client):
    saihan, xincheng = authority("赛罕区财政局"), authority("新城区财政局")
    Unit.create(
        uscc="91150105MA0000001X", name="测试单位", region_code="150105", authority=saihan, created_at=saihan.updated_at
    )
    url = f"/console/authority/merge/?id={saihan.id}"
    page = admin_client.get(url).get_data(as_text=True)
    assert "工作单位" in page and "合并到" in page
    response = post_form(admin_client, url, {"target": str(xincheng.id)})
    assert response.status_code == 302
    flashed = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已将“赛罕区财政局”合并到“新城区财政局”" in flashed
    assert Unit.get().authority_id == xincheng.id
    assert not authority("赛罕区财政局").is_active


def test_merge_into_a_descendant_is_refused_on_the_page(admin_client):
    hohhot, saihan = authority("呼和浩特市财政局"), authority("赛罕区财政局")
    page = post_form(admin_client, f"/console/authority/merge/?id={hohhot.id}", {"target": str(saihan.id)})
    assert "是“呼和浩特市财政局”的下级机构" in page.get_data(as_text=True)
    assert authority("呼和浩特市财政局").is_active


def test_deactivate_through_the_console(admin_client):
    wuchuan = authority("武川县财政局")
    url = f"/console/authority/deactivate/?id={wuchuan.id}"
    token = csrf_token(admin_client, f"/console/authority/details/?id={wuchuan.id}")
    response = admin_client.post(url, data={"csrf_token": token})
    assert response.status_code == 302 and not authority("武川县财政局").is_active


def test_reviewer_reads_the_tree_but_every_change_is_403(reviewer_client):
    saihan = authority("赛罕区财政局")
    assert reviewer_client.get("/console/authority/").status_code == 200
    assert reviewer_client.get(f"/console/authority/details/?id={saihan.id}").status_code == 200
    token = csrf_token(reviewer_client, "/console/authority/")
    for url in (
        f"/console/authority/edit/?id={saihan.id}",
        "/console/authority/new/",
        f"/console/authority/merge/?id={saihan.id}",
    ):
        assert reviewer_client.get(url).status_code == 403, url
    for url in (
        f"/console/authority/edit/?id={saihan.id}",
        "/console/authority/new/",
        f"/console/authority/merge/?id={saihan.id}",
        f"/console/authority/deactivate/?id={saihan.id}",
        "/console/authority/action/",
        "/console/authority/delete/",
    ):
        response = reviewer_client.post(url, data={"csrf_token": token, "name": "改名", "target": "1", "id": "1"})
        assert response.status_code == 403, url
    assert (
        authority("赛罕区财政局").is_active
        and not AuditEntry.select().where(AuditEntry.action.startswith("authority.")).exists()
    )
    listing = reviewer_client.get("/console/authority/").get_data(as_text=True)
    assert "/console/authority/edit/" not in listing and "/console/authority/new/" not in listing


def test_console_speaks_chinese(admin_client):
    page = admin_client.get("/console/authority/").get_data(as_text=True)
    for english in ("Add Filter", "Search", "List", "Create", "Export"):
        assert f">{english}<" not in page and f">\n{english}" not in page
    assert "列表 (118)" in page and "创建" in page and "添加筛选器" in page and "搜索" in page
    assert "会计管理机构" in page and "赛罕区财政局" in page


def test_search_and_filters(admin_client):
    hohhot = authority("呼和浩特市财政局")
    found = admin_client.get("/console/authority/", query_string={"search": "赛罕"}).get_data(as_text=True)
    assert "赛罕区财政局" in found and "包头市财政局" not in found
    children = admin_client.get("/console/authority/", query_string={"flt1_1": str(hohhot.id)}).get_data(as_text=True)
    assert "赛罕区财政局" in children and "昆都仑区财政局" not in children
    cities = admin_client.get("/console/authority/", query_string={"flt0_0": "city"}).get_data(as_text=True)
    assert "包头市财政局" in cities and "赛罕区财政局" not in cities


def test_a_parent_that_is_no_id_is_an_invalid_choice(admin_client):
    saihan = authority("赛罕区财政局")
    page = post_form(admin_client, f"/console/authority/edit/?id={saihan.id}", edit_data(saihan, parent="abc"))
    assert "不是有效的选择" in page.get_data(as_text=True)


@pytest.mark.parametrize("query", ["sort=99", "sort=4", "sort=-1", "page=-3", "sort=abc", "flt1_1=abc"])
def test_odd_list_arguments_never_500(admin_client, query):
    assert admin_client.get(f"/console/authority/?{query}").status_code == 200


def test_unknown_or_bad_id_is_not_a_500(admin_client):
    assert admin_client.get("/console/authority/details/?id=999999").status_code == 302
    assert admin_client.get("/console/authority/edit/?id=abc").status_code == 302


def test_the_list_costs_the_same_few_queries_whatever_its_length(admin_client, caplog):
    with caplog.at_level(logging.DEBUG, logger="peewee"):
        admin_client.get("/console/authority/")  # 50 rows, each with its parent
    queries = [r for r in caplog.records if r.name == "peewee"]
    assert len(queries) <= 6  # account, count, page, parent options, the navbar's authority
