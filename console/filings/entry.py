"""入库备案 (002 §三.2–3): where the profile asks for it (Inner Mongolia), someone neither in the old
database nor yet filed starts collection only after the bureau confirms an entry filing:
- 取得会计专业技术资格入库备案: the qualification certificate's number, level and date, with its scan;
- 单位聘任会计人员入库备案: the appointment (unit, post, start of accounting work) makes the
  从事会计工作证明函; its signed and stamped scan is read for the letter's QR code, and a letter that
  differs from the record is returned at once with the exact difference (actor: the system).
Confirmed or returned by the bureau like any filing (console.filings)."""

from console.collection import attachments, letters
from console.errors import RuleViolation
from console.filings.workflow import file_with_scan
from console.infra import audit, clock, dictionaries, images
from console.org import units
from models import Filing, LegacyRecord, ReturnReason, ReviewEvent, db
from models.filing import FILING_KINDS, FILING_STATES

KINDS = ("qualification", "appointment")
OPEN_STATES = ("draft", "submitted", "approved")


def check_may_collect(accountant, profile):
    """Refuses a first collection to someone the profile wants filed first."""
    if not profile.entry_filing or accountant.collections.exists() or _in_old_database(accountant):
        return
    if (
        not Filing.select()
        .where(Filing.accountant == accountant, Filing.kind.in_(KINDS), Filing.status == "approved")
        .exists()
    ):
        raise RuleViolation(
            "未进入原会计人员数据库的人员，请先办理入库备案（取得会计专业技术资格入库备案或单位聘任会计人员"
            "入库备案），经会计管理机构确认后再进行信息采集"
        )


def _in_old_database(accountant):
    return (
        LegacyRecord.select()
        .where(LegacyRecord.id_type == accountant.id_type, LegacyRecord.id_number == accountant.id_number)
        .exists()
    )


def _not_filed_yet(person):
    if person.archive_state == "archived" or _in_old_database(person):
        raise RuleViolation("您已在会计人员数据库中，不需要再次入库备案")
    held = (
        Filing.select()
        .where(Filing.accountant == person, Filing.kind.in_(KINDS), Filing.status.in_(OPEN_STATES))
        .first()
    )
    if held:
        raise RuleViolation(
            f"您已办理{FILING_KINDS.label(held.kind)}（{FILING_STATES.label(held.status)}），请勿重复办理"
        )


def file_qualification(account, level, certificate_no, acquired_on, scan, profile, today):
    """取得会计专业技术资格入库备案, waiting at the person's bureau."""
    person = account.accountant
    _not_filed_yet(person)
    if level not in [n for n in dictionaries.active_names("qualification_level") if n != "无"]:
        raise RuleViolation("请选择取得的专业技术资格级别", "level")
    certificate_no = (certificate_no or "").strip()
    if not certificate_no or len(certificate_no) > 50:
        raise RuleViolation("请填写证书编号（不超过 50 个字符）", "certificate_no")
    if acquired_on is None or acquired_on > today:
        raise RuleViolation("请填写取得时间，且不能晚于今天", "acquired_on")
    checked = images.check_image(scan, images.ImageRule.for_slot(profile, "qualification"))
    return file_with_scan(
        account,
        "qualification",
        checked,
        "qualification",
        authority=person.authority_id,
        certificate_no=certificate_no,
        qualification_level=level,
        acquired_on=acquired_on,
    )


def start_appointment(account, raw_uscc, post, work_started_on, today, profile):
    """单位聘任会计人员入库备案, first step: the appointment, from which the letter is printed."""
    person = account.accountant
    _not_filed_yet(person)
    unit = units.find_unit(raw_uscc, profile)
    if unit is None:
        raise RuleViolation("该单位尚未在系统中登记，请联系单位已登记的会计人员或会计管理机构", "unit_uscc")
    if post not in dictionaries.active_names("post"):
        raise RuleViolation("请选择会计工作岗位", "post")
    if work_started_on is None or work_started_on > today:
        raise RuleViolation("请填写开始从事会计工作时间，且不能晚于今天", "work_started_on")
    with db.atomic():
        filing = Filing.create(
            kind="appointment",
            status="draft",
            authority=unit.authority_id,
            accountant=person,
            unit=unit,
            id_type=person.id_type,
            id_number=person.id_number,
            name=person.name,
            post=post,
            work_started_on=work_started_on,
            submitted_at=clock.now(),
        )
        filing.verification_code = letters.for_filing(filing)[1]
        filing.save()
    return filing


def upload_letter(filing, account, scan, profile):
    """The signed and stamped letter: stored, read, and either sent to the bureau or returned at once
    with what differs. Returns the difference, or None when the filing went to the bureau."""
    if filing.accountant_id != account.accountant_id or filing.status not in ("draft", "returned"):
        raise RuleViolation("该备案当前不能上传证明函")
    checked = images.check_image(scan, images.ImageRule.for_slot(profile, "letter"))
    facts, code = letters.for_filing(filing)
    difference = letters.mismatch(checked.content, code, facts)
    name = attachments.stored(checked)
    now = clock.now()
    with db.atomic():
        attachments.record(name, checked, "letter", account, filing=filing)
        Filing.update(
            status="returned" if difference else "submitted",
            submitted_at=now,
            decided_at=now if difference else None,
            decided_by=None,
        ).where(Filing.id == filing.id).execute()
        event = ReviewEvent.create(
            filing=filing, kind="return" if difference else "submit", actor=None if difference else account, at=now
        )
        if difference:
            ReturnReason.create(event=event, section="general", text=difference)
        audit.record(
            "filing.return" if difference else "filing.submit",
            filing,
            {"类别": FILING_KINDS.label(filing.kind), **({"退回原因": difference} if difference else {})},
            actor=None if difference else account,
            system=bool(difference),
        )
    return difference
