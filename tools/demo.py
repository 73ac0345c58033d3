"""Demo data for the dev server: one account per role and a few units, people and collections."""

import random
from datetime import date, timedelta

from console.infra import clock
from console.people.identity import gender_of
from console.people.passwords import generate_password, hash_password
from console.people.staff import create_staff_account
from models import (
    Account,
    Accountant,
    Authority,
    Collection,
    Content,
    Education,
    PersonalSection,
    PostSection,
    QualificationSection,
    ReturnReason,
    ReviewEvent,
    Unit,
    WorkPeriod,
    db,
)
from tools.fake import GIVEN, SURNAMES, resident_id, unit_code

UNIT_NAMES = ("财政服务中心", "农牧业发展有限公司", "第一中学", "人民医院", "能源投资有限责任公司", "商贸有限公司")
STATES = ("draft", "submitted", "submitted", "submitted", "returned", "approved")


def load_demo(profile):
    """Idempotent: returns [(role label, how to sign in, password)] for the accounts it created."""
    with db.atomic():
        root = Authority.get(Authority.code == profile.province_code)
        desk = _demo_authority(root)
        units = [_unit(desk, i) for i in range(1, 4)]
        created = _accounts(root, desk, units[0])
        reviewer = Account.get(Account.username == "reviewer")
        people = [_accountant_with_collection(reviewer, units[i % 3], i) for i in range(1, 13)]
        created += _accountant_account(people[0], profile)
        _published(root, profile)
    return created


def _published(root, profile):
    """A notice, the preparation step's guide and the contact channel the manuals point people to."""
    if Content.select().exists():
        return
    now, admin = clock.now(), Account.get(Account.username == "admin")
    items = [
        ("notice", f"关于开展{profile.name}会计人员信息采集工作的通知", NOTICE.format(name=profile.name), ""),
        ("guide", "信息采集准备：材料怎么扫描", GUIDE, "preparation"),
        ("contact", "联系会计管理机构", CONTACTS.get(profile.key, CONTACT), ""),
    ]
    for kind, title, body, step in items:
        Content.create(
            kind=kind,
            title=title,
            body=body,
            authority=root,
            state="published",
            publish_at=now,
            published_at=now,
            wizard_step=step,
            created_by=admin,
            created_at=now,
        )


NOTICE = """各有关单位、会计人员：

根据财政部会计人员管理的有关规定，{name}开展会计人员信息采集工作，请会计人员按要求登录系统填写信息、上传材料并提交审核。

- 采集前请阅读【信息采集准备】，按要求准备证件扫描件；
- 提交后请留意短信通知，被退回的请按退回原因修改后重新提交。"""
GUIDE = """1. 扫描件按文字方向摆正，不得倾斜、倒置、侧置；
2. 照片为白底 1 寸免冠证件照，可在【附件上传】使用“自动调整照片”；
3. 每项材料的格式、大小要求见信息采集准备页面，系统按文件内容检查。"""
CONTACT = "会计人员信息管理相关事务由所在地财政局会计管理机构办理，电话见下方列表。"
CONTACTS = {  # 002 §十三
    "neimenggu": """会计人员信息管理相关事务由各盟市、旗（县、区）财政局会计科办理，自治区直属会计人员信息管理事宜由会计学会办理，请直接联系上述单位，电话见下方列表。

- 自治区直属：会计学会
- 盟（市）：盟（市）财政局会计科
- 旗（县、区）：旗（县、区）财政局会计科（股）"""
}


def _demo_authority(root):
    """The first county-level bureau (or the first city) of the tree: where the demo reviewer works."""
    for level in ("county", "city"):
        found = (
            Authority.select()
            .where(
                Authority.level == level, Authority.is_active, ~Authority.special, Authority.region_code.is_null(False)
            )
            .order_by(Authority.code)
            .first()
        )
        if found:
            return found
    return root


def _unit(authority, serial):
    region = authority.region_code.ljust(6, "0")
    code = unit_code(region, serial)
    unit = Unit.get_or_none(Unit.uscc == code)
    return unit or Unit.create(
        uscc=code,
        name=f"{authority.name.removesuffix('财政局')}{UNIT_NAMES[serial % len(UNIT_NAMES)]}",
        region_code=region,
        authority=authority,
        address=f"{authority.name.removesuffix('财政局')}示范路 {serial} 号",
        phone=f"0471-69{serial:05d}",
        economic_type="国有",
        industry="公共管理",
        created_at=clock.now(),
    )


def _accounts(root, desk, unit):
    wanted = [
        ("admin", "province_admin", root, None, "省级管理员"),
        ("reviewer", "reviewer", desk, None, f"{desk.name}审核员"),
        ("unithead", "unit_head", None, unit, f"{unit.name}会计机构负责人"),
        ("auditor", "auditor", None, None, "审计员"),
    ]
    created = []
    for username, role, authority, at_unit, name in wanted:
        if Account.get_or_none(Account.username == username) is None:
            account, password = create_staff_account(username, role, authority, at_unit, name)
            created.append((account.role_label, f"账号 {username}", password))
    return created


def _accountant_with_collection(reviewer, unit, serial):
    rng = random.Random(serial)  # the same person on every run, so re-running finds them
    authority = reviewer.authority
    region = authority.region_code.ljust(6, "0")
    birth = date(1970, 1, 1) + timedelta(days=rng.randrange(0, 365 * 30))
    id_number = resident_id(region, birth, serial * 2)
    existing = Accountant.get_or_none(Accountant.id_number == id_number)
    if existing:
        return existing
    now = clock.now()
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    phone = f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}"
    person = Accountant.create(
        id_number=id_number,
        id_tail=id_number[-4:],
        name=name,
        gender=gender_of(id_number),
        birth_date=birth,
        phone=phone,
        authority=authority,
        unit=unit,
        on_duty=True,
        created_at=now,
    )
    state = STATES[serial % len(STATES)]
    submitted = now - timedelta(days=rng.randrange(0, 12), hours=rng.randrange(0, 24))
    collection = Collection.create(
        accountant=person,
        authority=authority,
        status=state,
        step="preview",
        revision=0 if state == "draft" else 1,
        commitment_at=submitted,
        submitted_at=None if state == "draft" else submitted,
        education_level="本科",  # kept on the row at submission, as lifecycle.submit does
        qualification_level="初级",
        created_at=submitted,
        updated_at=submitted,
    )
    PersonalSection.create(
        collection=collection,
        name=name,
        id_type="resident",
        id_number=id_number,
        gender=person.gender,
        birth_date=birth,
        ethnicity="汉族",
        nationality="中国",
        political_status="群众",
        phone=phone,
    )
    PostSection.create(
        collection=collection,
        has_unit=True,
        unit=unit,
        unit_uscc=unit.uscc,
        on_duty=True,
        post="会计",
        tech_post="助理会计师",
        joined_on=birth.replace(year=birth.year + 23),
        work_started_on=birth.replace(year=birth.year + 23),
    )
    Education.create(
        collection=collection,
        mode="full_time",
        level="本科",
        degree="学士",
        major="会计学",
        school="内蒙古财经大学",
        graduated_on=birth.replace(year=birth.year + 22, month=7, day=1),
    )
    QualificationSection.create(
        collection=collection,
        kind="会计类",
        level="初级",
        way="考试",
        acquired_on=birth.replace(year=birth.year + 25),
        certificate_no=f"Z{serial:08d}",
    )
    if state != "draft":
        ReviewEvent.create(collection=collection, kind="submit", revision=1, at=submitted)
    if state in ("returned", "approved"):
        _decide(collection, person, reviewer, state, submitted + timedelta(days=1))
    return person


def _accountant_account(person, profile):
    """The demo accountant signs in the way the profile says; the printout tells how."""
    if Account.get_or_none(Account.accountant == person):
        return []
    password = generate_password()
    uses_username = "username_password_captcha" in profile.login_modes
    account = Account.create(
        username="accountant" if uses_username else None,
        password_hash=hash_password(password),
        role="accountant",
        display_name=person.name,
        accountant=person,
        created_at=clock.now(),
    )
    how = (
        "用户名 accountant" if uses_username else f"姓名 {person.name}，证件号 {person.id_number}，手机 {person.phone}"
    )
    return [(account.role_label, how, password)]


def _decide(collection, person, reviewer, state, at):
    event = ReviewEvent.create(
        collection=collection, kind="return" if state == "returned" else "approve", actor=reviewer, revision=1, at=at
    )
    collection.decided_at, collection.decided_by = at, reviewer
    collection.save()
    if state == "returned":
        ReturnReason.create(
            event=event, section="education", target="diploma", text="学历证书扫描件不清晰，请重新扫描上传"
        )
    else:
        started = collection.postsection_set.get().work_started_on
        person.archive_state, person.archived_at, person.work_started_on = "archived", at, started
        person.education_level, person.qualification_level = collection.education_level, collection.qualification_level
        person.save()
        WorkPeriod.create(accountant=person, unit=person.unit, started_on=started, source="declared")
