"""Collections made the way the portal makes them, for the tests of the review side."""

from datetime import date

from console.collection import attachments, letters, lifecycle
from console.infra import clock
from console.org.routing import authority_for_region
from models import (
    Account,
    Accountant,
    Authority,
    Education,
    Filing,
    PostSection,
    QualificationSection,
    Unit,
    WorkPeriod,
)
from tests.helpers import make_accountant, resident_id
from tests.images import letter_scan
from tools.fake import unit_code

SLOTS = ("photo", "id_front", "id_back", "diploma", "degree", "letter")


def complete(app, collection, scans, unit_region="150203"):
    """Fill every section of an Inner Mongolia collection as a careful applicant would."""
    for model in (PostSection, Education, QualificationSection):  # what the old database prefilled is retyped
        model.delete().where(model.collection == collection).execute()
    code = unit_code(unit_region)
    unit = Unit.get_or_none(Unit.uscc == code) or Unit.create(
        uscc=code,
        name="示范单位",
        region_code=unit_region,
        authority=authority_for_region(unit_region) or Authority.select().first(),  # out of province: any
        created_at=clock.now(),
    )
    PostSection.create(
        collection=collection,
        has_unit=True,
        unit_uscc=code,
        unit=unit,
        on_duty=True,
        post="出纳",
        tech_post="无职务",
        work_started_on=date(2012, 8, 1),
    )
    Education.create(
        collection=collection,
        mode="full_time",
        level="本科",
        degree="学士",
        major="会计学",
        school="内蒙古财经大学",
        graduated_on=date(2012, 7, 1),
    )
    QualificationSection.create(collection=collection, level="无")
    personal = collection.personalsection_set.get()
    personal.ethnicity, personal.nationality, personal.political_status = "汉族", "中国", "群众"
    personal.email, personal.email_verified = "wang@example.cn", True
    personal.save()
    profile = app.extensions["profile"]
    for slot in SLOTS:
        attachments.attach(collection, slot, scan_for(collection, slot, scans), profile, None)
    collection.commitment_at = clock.now()
    collection.save()


def scan_for(collection, slot, scans):
    """What a careful applicant uploads for a slot: the photo, the printed and signed letter, or a scan."""
    if slot == "letter":
        facts, code = letters.letter(collection)
        return letter_scan(letters._payload(code, facts))
    return scans["photo" if slot == "photo" else "scan"]


def applicant(name="王影", serial=124, phone="13912345678"):
    person = make_accountant(
        name=name,
        id_number=resident_id("150105", "19900307", serial),
        phone=phone,
        authority=Authority.get(Authority.code == "150105"),
    )
    return Account.create(
        username=None, password_hash="x", role="accountant", accountant=person, created_at=clock.now()
    )


def submitted(app, scans, name="王影", serial=124, phone="13912345678", unit_region="150203"):
    """A screened submission of a new applicant, waiting at the unit's bureau (昆都仑区 for 150203)."""
    account = applicant(name, serial, phone)
    draft = lifecycle.open_draft(account.accountant)
    complete(app, draft, scans, unit_region)
    return lifecycle.submit(draft, account, app.extensions["profile"])


def unit_at(authority, serial=1, name="示范单位"):
    return Unit.create(
        uscc=unit_code(authority.region_code, serial),
        name=name,
        region_code=authority.region_code,
        authority=authority,
        address="示范路 1 号",
        created_at=clock.now(),
    )


def on_duty_at(unit, name, serial, since=date(2015, 3, 1)):
    """Someone in the archive, on duty at `unit` since `since`, with the open work period that says so."""
    person = make_accountant(
        name=name,
        id_number=resident_id("150105", "19900307", serial),
        phone=f"137{serial:08d}",
        authority=unit.authority,
    )
    Accountant.update(unit=unit, on_duty=True, archive_state="archived", work_started_on=since).where(
        Accountant.id == person.id
    ).execute()
    WorkPeriod.create(accountant=person, unit=unit, started_on=since, on_duty=True, source="declared")
    return Accountant.get_by_id(person.id)


def portal_account(person):
    return Account.create(password_hash="x", role="accountant", accountant=person, created_at=clock.now())


def entry_filed(person):
    """Inner Mongolia lets a newcomer collect once an entry filing is confirmed: here, one already is."""
    Filing.create(
        kind="qualification",
        status="approved",
        authority=person.authority_id,
        accountant=person,
        id_type=person.id_type,
        id_number=person.id_number,
        name=person.name,
        certificate_no="Z0000001",
        qualification_level="初级",
        submitted_at=clock.now(),
        decided_at=clock.now(),
    )


def content(authority, title="关于开展会计人员信息采集的通知", kind="notice", state="published", **fields):
    """A published item (通知公告 unless `kind` says otherwise) of `authority`, shown from now on."""
    from models import Content  # appended below the shared imports

    now = clock.now()
    shown = {"publish_at": now, "published_at": now} if state == "published" else {}
    given = {"body": "请于年底前完成信息采集。", **shown, **fields}
    return Content.create(kind=kind, title=title, authority=authority, state=state, created_at=now, **given)
