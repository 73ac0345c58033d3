"""Collections made the way the portal makes them, for the tests of the review side."""
from datetime import date

from stdnum.cn import uscc

from console import attachments, clock, collections, review
from models import Account, Authority, Education, PostSection, QualificationSection, Unit
from tests.conftest import make_accountant, resident_id

SLOTS = ("photo", "id_front", "id_back", "diploma", "degree", "letter")


def unit_code(region, serial=1):
    body = f"91{region}MA{serial:07d}"
    return body + uscc.calc_check_digit(body)


def complete(app, collection, scans, unit_region="150203"):
    """Fill every section of an Inner Mongolia collection as a careful applicant would."""
    code = unit_code(unit_region)
    unit = Unit.get_or_none(Unit.uscc == code) or Unit.create(
        uscc=code, name="示范单位", region_code=unit_region, authority=Authority.select().first(), created_at=clock.now())
    PostSection.create(collection=collection, has_unit=True, unit_uscc=code, unit=unit, on_duty=True,
                       post="出纳", tech_post="无职务", work_started_on=date(2012, 8, 1))
    Education.create(collection=collection, mode="full_time", level="本科", degree="学士", major="会计学",
                     school="内蒙古财经大学", graduated_on=date(2012, 7, 1))
    QualificationSection.create(collection=collection, level="无")
    personal = collection.personalsection_set.get()
    personal.ethnicity, personal.nationality, personal.political_status = "汉族", "中国", "群众"
    personal.email, personal.email_verified = "wang@example.cn", True
    personal.save()
    profile = app.extensions["profile"]
    for slot in SLOTS:
        attachments.attach(collection, slot, scans["photo" if slot == "photo" else "scan"], profile, None)
    collection.commitment_at = clock.now()
    collection.save()


def applicant(name="王影", serial=124, phone="13912345678"):
    person = make_accountant(name=name, id_number=resident_id("150105", "19900307", serial), phone=phone,
                             authority=Authority.get(Authority.code == "150105"))
    return Account.create(username=None, password_hash="x", role="accountant", accountant=person,
                          created_at=clock.now())


def submitted(app, scans, name="王影", serial=124, phone="13912345678", unit_region="150203"):
    """A screened submission of a new applicant, waiting at the unit's bureau (昆都仑区 for 150203)."""
    account = applicant(name, serial, phone)
    draft = collections.open_draft(account.accountant)
    complete(app, draft, scans, unit_region)
    return review.submit(draft, account, app.extensions["profile"])
