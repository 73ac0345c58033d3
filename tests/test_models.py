"""The schema carries the indexes the queue and the look-ups need."""

from models import Accountant, Collection, PersonalSection, Unit, db


def indexed_columns(model):
    return {tuple(index.columns) for index in db.get_indexes(model._meta.table_name)}


def test_queue_and_lookup_indexes(ctx):
    assert ("authority_id", "status", "submitted_at") in indexed_columns(Collection)
    assert ("id_number", "id_type") in indexed_columns(Accountant)
    assert ("phone",) in indexed_columns(Accountant)
    assert ("id_tail",) in indexed_columns(Accountant)
    assert ("uscc",) in indexed_columns(Unit)
    assert ("id_number",) in indexed_columns(PersonalSection)


def test_every_model_names_its_chinese_term():
    from models import MODELS

    for model in MODELS:
        doc = model.__doc__ or ""
        assert any("\u4e00" <= ch <= "\u9fff" for ch in doc), model.__name__
