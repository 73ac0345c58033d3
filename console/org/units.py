"""Units (工作单位): found by USCC, added once by the first accountant who needs them, with the licence scan
(002 §七.3). Only in-province units. Later, the head edits address and phone; name, USCC and region change
on the head's request once the bureau confirms; the bureau merges duplicates and closes units."""

from peewee import IntegrityError
from stdnum.cn import uscc as uscc_code

from console.collection import attachments
from console.errors import RuleViolation
from console.infra import audit, clock, images, storage, texts
from console.org.access import may_decide
from console.org.routing import authority_for_region
from console.people.phones import unit_phone_problem
from models import Accountant, Unit, UnitChange, db

# A unit's USCC (统一社会信用代码) is valid and registered in the profile's territory: its characters 3-8
# are a region the tree manages. The messages say it as each step needs it.
INVALID_USCC = "统一社会信用代码不正确，请核对营业执照或法人证书上的 18 位代码"
OUTSIDE = "单位所在地不在本省（区）范围内，请在单位所在地参加会计人员信息采集"
OUTSIDE_WHEN_ADDING = "只能添加本省（区）范围内的单位；在外省工作的，请在单位所在地参加会计人员信息采集"


def uscc_fault(code):
    """None for a valid USCC in the territory, else the flag that says why not."""
    if not uscc_code.is_valid(code):
        return "uscc_invalid"
    if authority_for_region(code[2:8]) is None:
        return "unit_out_of_province"
    return None


def checked_uscc(raw, outside=OUTSIDE_WHEN_ADDING, field="unit_uscc"):
    """The USCC as typed, normalized; refused with the message of its fault, at `field`."""
    code = (raw or "").strip().upper()
    fault = uscc_fault(code)
    if fault:
        raise RuleViolation(INVALID_USCC if fault == "uscc_invalid" else outside, field)
    return code


def find_unit(raw):
    """获取单位信息: the unit already in the system, or None when it must be added."""
    return Unit.get_or_none(Unit.uscc == checked_uscc(raw))


def add_unit(raw_uscc, name, address, economic_type, phone, licence, profile, uploader):
    """Add an in-province unit with its licence scan; a unit is added once, by whoever comes first."""
    code = checked_uscc(raw_uscc)
    if not (name or "").strip():
        raise RuleViolation("请填写单位全称", "unit_name")
    if not (address or "").strip():
        raise RuleViolation("请填写单位地址", "unit_address")
    authority = authority_for_region(code[2:8])
    scan = images.check_image(licence, images.ImageRule.for_slot(profile, "licence"))
    name_on_disk = attachments.stored(scan)
    try:
        with db.atomic():
            unit = Unit.create(
                uscc=code,
                name=name.strip(),
                region_code=code[2:8],
                authority=authority,
                address=address.strip(),
                phone=(phone or "").strip(),
                economic_type=economic_type or "",
                created_at=clock.now(),
            )
            attachments.record(name_on_disk, scan, "licence", uploader, unit=unit)
            audit.record("unit.create", unit, {"统一社会信用代码": code, "单位全称": unit.name}, actor=uploader)
    except IntegrityError:
        storage.remove(name_on_disk)  # someone added it a moment ago: theirs stands
        return Unit.get(Unit.uscc == code)
    return unit


def manages(account, unit):
    """The unit's own bureau keeps it (a city reads its counties' units, 002 §一.2); the province admin all."""
    return account.role == "province_admin" or may_decide(account, unit)


def update_contact(unit, address, phone, account):
    """The unit's head keeps its address and phone up to date directly."""
    if account.role != "unit_head" or account.unit_id != unit.id:
        raise RuleViolation("只能修改本单位的信息")
    address, phone = (address or "").strip(), (phone or "").strip()
    if not address:
        raise RuleViolation("请填写单位地址", "address")
    if unit_phone_problem(phone):
        raise RuleViolation(unit_phone_problem(phone), "phone")
    changes = {k: [getattr(unit, k), v] for k, v in (("address", address), ("phone", phone)) if getattr(unit, k) != v}
    with db.atomic():
        Unit.update(address=address, phone=phone).where(Unit.id == unit.id).execute()
        audit.record("unit.update", unit, changes, actor=account)


def request_change(unit, name, raw_uscc, region_code, account):
    """Name, USCC or region change only on the head's request, in force once the bureau confirms it."""
    if account.role != "unit_head" or account.unit_id != unit.id:
        raise RuleViolation("只能为本单位申请变更")
    if UnitChange.select().where(UnitChange.unit == unit, UnitChange.status == "submitted").exists():
        raise RuleViolation("已有一项变更申请正在确认，请等待会计管理机构处理")
    name, code, region = (name or "").strip(), checked_uscc(raw_uscc, field="uscc"), (region_code or "").strip()
    if not name:
        raise RuleViolation("请填写单位全称", "name")
    if authority_for_region(region) is None or len(region) != 6:
        raise RuleViolation("所在地区代码应为本省（区）的 6 位行政区划代码", "region_code")
    holder = Unit.get_or_none(Unit.uscc == code, Unit.id != unit.id)
    if holder:
        raise RuleViolation(f"该统一社会信用代码已属于“{holder.name}”；如为同一单位，请联系会计管理机构合并", "uscc")
    if (name, code, region) == (unit.name, unit.uscc, unit.region_code):
        raise RuleViolation("单位全称、统一社会信用代码和所在地区均未改变", "name")
    with db.atomic():
        change = UnitChange.create(
            unit=unit, name=name, uscc=code, region_code=region, requested_by=account, requested_at=clock.now()
        )
        audit.record(
            "unit_change.request", unit, {"单位全称": name, "统一社会信用代码": code, "所在地区": region}, actor=account
        )
    return change


def decide_change(change, account, confirmed, note=""):
    """The unit's bureau confirms (the unit takes the new name, code and region, and the bureau of that
    region) or returns the request with a reason."""
    if not manages(account, change.unit):
        raise RuleViolation("该单位不属于本机构管理")
    note = texts.reason(note, "note", "退回原因", required=not confirmed)
    with db.atomic():
        done = (
            UnitChange.update(
                status="approved" if confirmed else "returned", decided_by=account, decided_at=clock.now(), note=note
            )
            .where(UnitChange.id == change.id, UnitChange.status == "submitted")
            .execute()
        )
        if not done:
            raise RuleViolation("该变更申请已处理")
        if confirmed:
            try:
                (
                    Unit.update(
                        name=change.name,
                        uscc=change.uscc,
                        region_code=change.region_code,
                        authority=authority_for_region(change.region_code),
                    )
                    .where(Unit.id == change.unit_id)
                    .execute()
                )
            except IntegrityError as taken:
                raise RuleViolation("该统一社会信用代码已被其他单位使用，请先合并单位") from taken
        audit.record(
            "unit_change.approve" if confirmed else "unit_change.return",
            change.unit,
            {"单位全称": change.name, "统一社会信用代码": change.uscc, "原因": note},
            actor=account,
        )


def merge(duplicate, target, account):
    """Merge a duplicate record of a unit into the one kept: every row that points at the duplicate
    (people, work history, appraisals, filings, scans, accounts …) points at the kept one after; the
    duplicate stays, closed, as merged_into the kept one."""
    if duplicate.id == target.id:
        raise RuleViolation("请选择另一家单位作为保留的记录", "target")
    if duplicate.merged_into_id or target.merged_into_id:
        raise RuleViolation("已被合并的单位不能再合并", "target")
    for unit in (duplicate, target):
        if not manages(account, unit):
            raise RuleViolation(f"“{unit.name}”不属于本机构管理", "target")
    moved = {}
    with db.atomic():
        for field in Unit._meta.backrefs:
            count = field.model.update({field: target.id}).where(field == duplicate.id).execute()
            if count:
                moved[field.model._meta.table_name] = count
        blanks = {
            k: getattr(duplicate, k)
            for k in ("address", "phone", "economic_type", "industry")
            if not getattr(target, k) and getattr(duplicate, k)
        }
        if blanks:
            Unit.update(**blanks).where(Unit.id == target.id).execute()
        Unit.update(state="closed", merged_into=target).where(Unit.id == duplicate.id).execute()
        audit.record(
            "unit.merge",
            target,
            {"并入单位": f"{duplicate.name}（{duplicate.uscc}）", "转移记录": moved},
            actor=account,
        )
    return moved


def close(unit, account):
    """注销: only once nobody is on duty there; the unit and its history stay."""
    if not manages(account, unit):
        raise RuleViolation("该单位不属于本机构管理")
    on_duty = Accountant.select().where(Accountant.unit == unit, Accountant.on_duty).count()
    if on_duty:
        raise RuleViolation(f"该单位仍有 {on_duty} 名在岗会计人员，请先由单位办理离岗后再注销")
    with db.atomic():
        Unit.update(state="closed").where(Unit.id == unit.id).execute()
        audit.record("unit.close", unit, {"单位全称": unit.name}, actor=account)
