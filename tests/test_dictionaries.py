"""Dictionaries load from authority_data/dictionaries, idempotently, keeping console edits."""

from console.infra.dictionaries import load_dictionaries
from models import DictionaryEntry
from models.dictionary import DICTIONARY_KINDS
from tests.helpers import post_form


def names(kind):
    return [
        e.name
        for e in DictionaryEntry.select().where(DictionaryEntry.kind == kind).order_by(DictionaryEntry.sort_order)
    ]


def test_every_kind_loads_and_a_second_load_changes_nothing(ctx):
    first = load_dictionaries()
    assert first["created"] == DictionaryEntry.select().count()
    assert {e.kind for e in DictionaryEntry.select()} == {k for k, _ in DICTIONARY_KINDS}
    ethnic = names("ethnicity")
    assert len(ethnic) == 58 and ethnic[:2] == ["汉族", "蒙古族"] and ethnic[55] == "基诺族"
    assert names("qualification_level") == ["初级", "中级", "副高级", "正高级", "无"]
    assert "初中及以下" in names("education_level") and "无学历" in names("education_level")
    assert "国有企业（中央）" in names("economic_type")
    second = load_dictionaries()
    assert second["created"] == 0 and second["updated"] == 0


def test_a_console_edit_survives_a_reload(ctx):
    load_dictionaries()
    entry = DictionaryEntry.get(DictionaryEntry.kind == "degree", DictionaryEntry.code == "none")
    entry.name, entry.edited_in_console = "无学位", True
    entry.save()
    assert load_dictionaries()["kept"] == 1
    assert DictionaryEntry.get_by_id(entry.id).name == "无学位"


def test_admin_renames_and_adds_entries_in_the_console(app, admin_client):
    with app.app_context():
        load_dictionaries()
    entry = DictionaryEntry.get(DictionaryEntry.kind == "degree", DictionaryEntry.code == "none")
    response = post_form(
        admin_client,
        f"/console/dictionary/edit/?id={entry.id}",
        {"name": "无学位", "sort_order": "4", "is_active": "y"},
    )
    assert response.status_code == 302
    saved = DictionaryEntry.get_by_id(entry.id)
    assert saved.name == "无学位" and saved.edited_in_console

    duplicate = post_form(
        admin_client, "/console/dictionary/new/", {"kind": "degree", "code": "none", "name": "重复", "sort_order": "9"}
    )
    assert "“学位”中已有代码 none" in duplicate.get_data(as_text=True)
    assert DictionaryEntry.select().where(DictionaryEntry.name == "重复").count() == 0


def test_reviewers_cannot_touch_dictionaries(reviewer_client):
    assert reviewer_client.get("/console/dictionary/").status_code == 403
