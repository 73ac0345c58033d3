"""Units (工作单位): found by USCC, added once by the first accountant who needs them, with the licence scan
(002 §七.3). Only in-province units. Later, the head edits address and phone; name, USCC and region change
on the head's request once the bureau confirms; the bureau merges duplicates and closes units."""

from peewee import IntegrityError

from console.archive import registry
from console.collection import attachments
from console.errors import RuleViolation
from console.infra import audit, clock, images, storage, texts
from console.org import authorities, unit_codes
from console.org.access import may_decide, may_read
from console.org.routing import authority_for_region, choosable_regions, in_territory
from console.people.phones import unit_phone_problem
from models import Accountant, Authority, Collection, PostSection, Unit, UnitChange, db

# A unit's code is one the profile accepts (the USCC everywhere; 吉林 also the 组织机构代码 and the old
# 营业执照注册号), with a right check digit; where the unit's region decides the bureau (routing by unit or by
# authority), the region the code carries is in the profile's territory. The messages say it as each step needs.
INVALID_USCC = "统一社会信用代码不正确，请核对营业执照或法人证书上的 18 位代码"
INVALID_CODE = "单位代码不正确：请填写 18 位统一社会信用代码、9 位组织机构代码或 15 位营业执照注册号"
OUTSIDE = "单位所在地不在本省（区）范围内，请在单位所在地参加会计人员信息采集"
OUTSIDE_WHEN_ADDING = "只能添加本省（区）范围内的单位；在外省工作的，请在单位所在地参加会计人员信息采集"


def code_fault(code, profile):
    """None for a code the profile accepts, else the flag that says why not."""
    kind = unit_codes.kind_of(code)
    if kind is None or kind not in profile.unit_codes:
        return "uscc_invalid"
    region = unit_codes.region_of(code)
    if profile.routing != "region" and region and not in_territory(region, profile):
        return "unit_out_of_province"
    return None


def checked_code(raw, profile, outside=OUTSIDE_WHEN_ADDING, field="unit_uscc"):
    """The unit's code as typed, normalized; refused with the message of its fault, at `field`."""
    code = unit_codes.normalized(raw)
    fault = code_fault(code, profile)
    if fault == "uscc_invalid":
        raise RuleViolation(INVALID_USCC if profile.unit_codes == ["uscc"] else INVALID_CODE, field)
    if fault:
        raise RuleViolation(outside, field)
    return code


def find_units(typed, profile):
    """获取单位信息: the units what was typed names — by its code (one, or none when it must be added), or
    where it is no code, by a part of the name (001 查找单位信息). Refuses a bad code."""
    text = (typed or "").strip()
    if not text:
        raise RuleViolation("请填写单位代码或单位名称", "unit_uscc")
    if unit_codes.kind_of(unit_codes.normalized(text)) or text.isascii():
        found = find_unit(text, profile)
        return [found] if found else []
    return list(
        Unit.select().where(Unit.name.contains(text), Unit.state == "active").order_by(Unit.name).limit(NAMED_UNITS)
    )


NAMED_UNITS = 10  # the matches a name search lists


def find_unit(raw, profile):
    """The unit of a code, or None when it must be added; a merged duplicate leads to the unit kept."""
    unit = Unit.get_or_none(Unit.uscc == checked_code(raw, profile))
    while unit is not None and unit.merged_into_id:
        unit = Unit.get_by_id(unit.merged_into_id)
    return unit


def home_region(code, chosen, profile):
    """The region a new unit is managed in: the one chosen for its address (where the profile routes by unit,
    002 §七.3: 按证照地址选择到旗县), else the region of the work place chosen, else the one its code carries."""
    region = (chosen or "").strip()
    if profile.routing == "unit" or region:
        if region not in dict(choosable_regions(profile.province_code)):
            raise RuleViolation("请选择单位所在的旗县（市、区）", "unit_region_code")
        return region
    return unit_codes.region_of(code) or profile.province_code


def suggested_region(code, profile):
    """The county a unit's code names, offered first when the unit is added; "" when it names none."""
    region = unit_codes.region_of(unit_codes.normalized(code)) or ""
    return region if region in dict(choosable_regions(profile.province_code)) else ""


def add_unit(raw_code, name, address, economic_type, phone, licence, profile, uploader, region_code=""):
    """Add a unit with its licence scan, managed in the region `home_region` gives; a unit is added once,
    by whoever comes first."""
    code = checked_code(raw_code, profile)
    if not (name or "").strip():
        raise RuleViolation("请填写单位全称", "unit_name")
    if not (address or "").strip():
        raise RuleViolation("请填写单位地址", "unit_address")
    region = home_region(code, region_code, profile)
    try:
        scan = images.check_image(licence, images.ImageRule.for_slot(profile, "licence"))
    except RuleViolation as refused:
        raise RuleViolation(str(refused), "licence") from refused
    name_on_disk = attachments.stored(scan)
    try:
        with db.atomic():
            unit = Unit.create(
                uscc=code,
                code_kind=unit_codes.kind_of(code),
                name=name.strip(),
                region_code=region,
                authority=authority_for_region(region) or Authority.get(Authority.code == profile.province_code),
                address=address.strip(),
                phone=(phone or "").strip(),
                economic_type=economic_type or "",
                created_at=clock.now(),
            )
            attachments.record(name_on_disk, scan, "licence", uploader, unit=unit)
            audit.record(
                "unit.create",
                unit,
                {unit_codes.KINDS.label(unit.code_kind): code, "单位全称": unit.name, "所在地区": region},
                actor=uploader,
            )
    except IntegrityError:
        storage.remove(name_on_disk)  # someone added it a moment ago: theirs stands
        return Unit.get(Unit.uscc == code)
    return unit


def assignable(account, unit):
    """The authorities the account may put the unit under (002 §七.2): its own region's bureau, and for the
    province admin every special authority (直属, 林管局) and every city's own (盟市直属); a city's reviewer
    only its own, for a unit of its territory. [] when the account may not assign it."""
    home = authority_for_region(unit.region_code)
    if home is None:
        return []
    if account.role == "province_admin":
        others = Authority.select().where(
            Authority.is_active, Authority.special | (Authority.level == "city"), Authority.id != home.id
        )
        return [home, *others.order_by(Authority.special, Authority.code)]
    city = account.authority if account.role == "reviewer" and account.authority_id else None
    if city is None or city.level != "city" or not (may_read(account, unit) or unit.authority_id == city.id):
        return []
    return [home] if home.id == city.id else [home, city]


def assign(unit, authority_id, account):
    """Put the unit under an authority, or back under its region's: its collections waiting for review move
    there (their claims released), and later ones are routed there; decided ones stay where they were
    decided. Audited."""
    choices = assignable(account, unit)
    target = next((a for a in choices if a.id == authority_id), None)
    if target is None:
        raise RuleViolation("请选择可以管理该单位的会计管理机构", "authority")
    if target.id == unit.authority_id:
        raise RuleViolation(f"该单位已由{target.name}管理", "authority")
    waiting = PostSection.select(PostSection.collection).where(PostSection.unit == unit)
    with db.atomic():
        Unit.update(authority=target, assigned=target.id != choices[0].id).where(Unit.id == unit.id).execute()
        moved = (
            Collection.update(authority=target, claimed_by=None, claimed_until=None)
            .where(Collection.id.in_(waiting), Collection.status == "submitted")
            .execute()
        )
        authorities.figures_changed(unit.authority_id, target.id)
        audit.record(
            "unit.assign",
            unit,
            {"原会计管理机构": unit.authority.name, "新会计管理机构": target.name, "转移待审核": moved},
            actor=account,
        )
    return moved


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


def request_change(unit, name, raw_uscc, region_code, account, profile):
    """Name, USCC or region change only on the head's request, in force once the bureau confirms it."""
    if account.role != "unit_head" or account.unit_id != unit.id:
        raise RuleViolation("只能为本单位申请变更")
    if UnitChange.select().where(UnitChange.unit == unit, UnitChange.status == "submitted").exists():
        raise RuleViolation("已有一项变更申请正在确认，请等待会计管理机构处理")
    name, code, region = (
        (name or "").strip(),
        checked_code(raw_uscc, profile, field="uscc"),
        (region_code or "").strip(),
    )
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
                        assigned=False,  # a unit that moves is managed where it moved to
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
    on_duty = Accountant.select().where(registry.of_unit(unit), Accountant.on_duty).count()
    if on_duty:
        raise RuleViolation(f"该单位仍有 {on_duty} 名在岗会计人员，请先由单位办理离岗后再注销")
    with db.atomic():
        Unit.update(state="closed").where(Unit.id == unit.id).execute()
        audit.record("unit.close", unit, {"单位全称": unit.name}, actor=account)
