"""The people registry (会计人员档案) as the bureau keeps it: an approved collection brings its person into the
archive; who is in the 异动 database comes back only by a reviewer of their bureau, with a reason on record;
a wrong ID number is corrected by that bureau alone, with the proof."""

from contextlib import nullcontext

from peewee import JOIN, SQL, IntegrityError, fn

from console.archive import duplicates, work_history
from console.collection import attachments
from console.errors import RuleViolation
from console.infra import audit, clock, images, messages, notifier, storage, texts
from console.org.access import may_decide
from console.people import identity
from console.profiles import current_profile
from models import Accountant, Collection, Filing, PersonalSection, PostSection, WorkPeriod, db


def of_unit(unit):
    """Who is the unit's accountant: the archive holds them there (在库). One rule for the head's list, the
    counts, the appraisal grid and closing the unit: a draft or a waiting collection names nobody's unit yet,
    and someone in 异动 has left the archive."""
    return (Accountant.unit == unit) & (Accountant.archive_state == "archived")


def duty_counts(unit):
    """(on duty, not on duty): the unit's accountants counted."""
    held = dict(
        Accountant.select(Accountant.on_duty, fn.COUNT(Accountant.id))
        .where(of_unit(unit))
        .group_by(Accountant.on_duty)
        .tuples()
    )
    return held.get(True, 0), held.get(False, 0)


NUMBER_TAKEN = "该证件号码已属于另一名会计人员，请核实"


# What the archive takes from an approved collection's personal section, beside its unit and duty.
FROM_PERSONAL = ("name", "phone", "gender", "birth_date", "email")
ARCHIVING = ("archive_state", "archived_at", "work_started_on")  # what entering the archive sets besides
# What it takes from the collection's row (as submitted), for the statistics to count the archive's table alone.
FROM_COLLECTION = ("education_level", "qualification_level")
KEPT = ("unit", "on_duty", "authority", *FROM_COLLECTION, *ARCHIVING)  # the archive's columns an approval may change


def enter_archive(collection, now):
    """An approved collection's person enters the archive (在库) as the collection has them: its name, phone,
    gender and birth date (what a 信息变更 corrected), its unit and duty, its full-time education's and
    qualification's levels (as the statistics count them), managed by the bureau it was routed
    to; the work history starts, or turns where a 信息变更 moved them. The archive's values are read with the
    collection's, so only what changed is written (an indexed column rewritten costs its index too).

    Returns what it changed, as leave_archive takes it to put the archive back."""
    begun = WorkPeriod.select(SQL("1")).where(WorkPeriod.accountant == collection.accountant_id)
    held = (
        PersonalSection.select(
            *[getattr(PersonalSection, name) for name in FROM_PERSONAL],
            PostSection.unit.alias("unit"),
            PostSection.on_duty,
            PostSection.work_started_on,
            *[getattr(Collection, name) for name in FROM_COLLECTION],
            *[getattr(Accountant, name).alias(f"held_{name}") for name in (*FROM_PERSONAL, *KEPT)],
            fn.EXISTS(begun).alias("history_begun"),
        )
        .join_from(
            PersonalSection, PostSection, JOIN.LEFT_OUTER, on=PostSection.collection == PersonalSection.collection
        )
        .join_from(PersonalSection, Accountant, on=Accountant.id == collection.accountant_id)
        .join_from(PersonalSection, Collection, on=Collection.id == PersonalSection.collection)
        .where(PersonalSection.collection == collection.id)
        .dicts()
        .get()
    )
    held["on_duty"] = bool(held["on_duty"])
    if held["held_archive_state"] == "pending":  # entering for the first time: not if archived elsewhere (E-2)
        person = collection.accountant
        duplicates.check_not_elsewhere(person.id_type, person.id_number, duplicates.TO_BUREAU)
    wanted = {
        **{name: held[name] for name in (*FROM_PERSONAL, *FROM_COLLECTION, "unit", "on_duty")},
        "authority": collection.authority_id,
    }
    changed = {name: value for name, value in wanted.items() if held[f"held_{name}"] != value}
    before = {"columns": {name: held[f"held_{name}"] for name in (*changed, *ARCHIVING)}, "periods": None}
    if collection.kind == "change" and ("unit" in changed or "on_duty" in changed):
        day = clock.to_beijing(now).date()  # a 信息变更 that moves the person, or on or off duty
        before["periods"], before["reopen"] = "moved", work_history.open_periods(collection.accountant_id)
        work_history.new_period([collection.accountant_id], day, "change", held["unit"], held["on_duty"])
    update = Accountant.update(
        archive_state="archived",
        archived_at=fn.COALESCE(Accountant.archived_at, now),  # when the person first entered the archive
        work_started_on=fn.COALESCE(Accountant.work_started_on, held["work_started_on"]),
        **changed,
    ).where(Accountant.id == collection.accountant_id)
    _guarding_phone(update, "phone" in changed)
    if held["work_started_on"] and not held["history_begun"]:
        before["periods"] = "first"
        WorkPeriod.create(
            accountant=collection.accountant_id,
            unit=held["unit"],
            started_on=held["work_started_on"],
            on_duty=held["on_duty"],
            source="declared",
        )
    return before


def leave_archive(accountant_id, before):
    """Undo what enter_archive changed (`before`, as it returned it): the person's archive as it was, the work
    history without the period it began or with the periods it ended open again."""
    if before["periods"] == "first":
        WorkPeriod.delete().where(WorkPeriod.accountant == accountant_id).execute()
    elif before["periods"] == "moved":
        WorkPeriod.delete().where(WorkPeriod.accountant == accountant_id, WorkPeriod.ended_on.is_null()).execute()
        WorkPeriod.update(ended_on=None).where(WorkPeriod.id.in_(before["reopen"])).execute()
    columns = {name: getattr(Accountant, name).python_value(value) for name, value in before["columns"].items()}
    _guarding_phone(Accountant.update(**columns).where(Accountant.id == accountant_id), "phone" in columns)


def _guarding_phone(update, phone_changes):
    try:
        with db.atomic() if phone_changes else nullcontext():  # the phone's unique key decides, in a savepoint
            update.execute()
    except IntegrityError:
        raise RuleViolation("该手机号已被其他人员使用（一个手机号只能对应一个证件号），请退回并说明") from None


def restore(accountant, reason, account):
    """恢复: from 异动 back into the archive, so the person can sign in again; they are told by SMS."""
    if not may_decide(account, accountant):
        raise RuleViolation("该人员不属于本机构管理")
    reason = texts.reason(reason, "reason", "恢复原因")
    with db.atomic():
        done = (
            Accountant.update(archive_state="archived")
            .where(Accountant.id == accountant.id, Accountant.archive_state == "abnormal")
            .execute()
        )
        if not done:
            raise RuleViolation("该人员不在异动库中")
        audit.record("accountant.restore", accountant, {"姓名": accountant.name, "原因": reason}, actor=account)
        notifier.send_sms(accountant.phone, messages.sms(current_profile, "restored"))


def correct_id_number(accountant, raw_number, proof, account, profile):
    """更正证件号码 (002 §六: 身份证号码错误的，由会计管理机构更正): only by the bureau that manages the
    person, with the 公安 certificate of the change; the archive, the person's collections and filings follow,
    with the gender and birth date a resident ID carries; the old and new numbers go to the audit log."""
    if not may_decide(account, accountant):
        raise RuleViolation("该人员不属于本机构管理，不能更正其证件号码")
    try:
        new = identity.check_id(accountant.id_type, raw_number)
    except RuleViolation as wrong:
        raise RuleViolation(str(wrong), "id_number") from None
    if new.number == accountant.id_number:
        raise RuleViolation("新证件号码与原证件号码相同", "id_number")
    taken = Accountant.select().where(
        Accountant.id_type == accountant.id_type, Accountant.id_number == new.number, Accountant.id != accountant.id
    )
    if taken.exists():
        raise RuleViolation(NUMBER_TAKEN, "id_number")
    if not proof:
        raise RuleViolation("请上传公安机关出具的证件号码变更证明", "proof")
    try:
        checked = images.check_image(proof, images.ImageRule.for_slot(profile, "id_correction"))
    except RuleViolation as refused:
        raise RuleViolation(str(refused), "proof") from refused
    born = {"gender": new.gender, "birth_date": new.birth_date} if new.birth_date else {}
    name = attachments.stored(checked)
    try:
        with db.atomic():
            Accountant.update(id_number=new.number, id_tail=new.number[-4:], **born).where(
                Accountant.id == accountant.id
            ).execute()
            collections = Collection.select(Collection.id).where(Collection.accountant == accountant.id)
            PersonalSection.update(id_number=new.number, **born).where(
                PersonalSection.collection.in_(collections)
            ).execute()
            Filing.update(id_number=new.number).where(
                (Filing.accountant == accountant.id)
                | ((Filing.id_type == accountant.id_type) & (Filing.id_number == accountant.id_number))
            ).execute()
            attachments.record(name, checked, "id_correction", account, accountant=accountant.id)
            audit.record(
                "accountant.correct_id_number",
                accountant,
                {"姓名": accountant.name, "原证件号码": accountant.id_number, "新证件号码": new.number},
                actor=account,
            )
    except IntegrityError:
        storage.remove(name)  # the number was taken a moment ago
        raise RuleViolation(NUMBER_TAKEN, "id_number") from None
    return Accountant.get_by_id(accountant.id)
