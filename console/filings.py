"""备案: filings the bureau confirms or returns as it does collections, one conditional UPDATE per
decision: the unit accounting head's filing letter (单位会计机构负责人备案函, 002 §十二(三)), once
confirmed its applicant heads the unit and whoever headed it before no longer does; and the accounting
students' registration (会计类专业在校学生, 002 §十二(七))."""
from console import attachments, audit, clock, images, notifier
from console.errors import RuleViolation
from console.scope import may_decide
from models import Account, Filing, ReturnReason, ReviewEvent, db
from models.filing import FILING_KINDS, FILING_STATES


def apply_for_head(account, letter, profile):
    """An accountant on duty at a unit asks to be its accounting head, with the unit's letter."""
    person = account.accountant
    if person.archive_state != "archived" or not person.on_duty or person.unit_id is None:
        raise RuleViolation("只有信息已入库、在岗且有工作单位的会计人员才能申请成为单位会计机构负责人")
    if account.role == "unit_head":
        raise RuleViolation("您已是本单位会计机构负责人")
    if Filing.select().where(Filing.kind == "unit_head", Filing.accountant == person,
                             Filing.status == "submitted").exists():
        raise RuleViolation("您的申请正在审核，请勿重复提交")
    checked = images.check_image(letter, images.ImageRule.for_slot(profile, "head_letter"))
    return file_with_scan(account, "unit_head", checked, "head_letter", authority=person.unit.authority_id,
                 unit=person.unit_id)


def file_with_scan(account, kind, checked, slot, **facts):
    """A filing of the applicant's, with its scan, waiting at the authority `facts` names."""
    person = account.accountant
    name = attachments.stored(checked)
    now = clock.now()
    with db.atomic():
        filing = Filing.create(kind=kind, accountant=person, id_type=person.id_type, id_number=person.id_number,
                               name=person.name, submitted_at=now, **facts)
        attachments.record(name, checked, slot, account, filing=filing)
        ReviewEvent.create(filing=filing, kind="submit", actor=account, at=now)
        audit.record("filing.submit", filing, {"类别": dict(FILING_KINDS)[kind]}, actor=account)
    return filing


ACCOUNTING_MAJORS = ("会计学", "财务管理", "会计电算化", "管理会计", "注册会计师专门化", "审计学", "理财学")
STUDY_YEARS = 8  # the latest graduation year a student may give, counted from this year


def apply_as_student(account, major, graduation_year, report, profile, this_year):
    """会计类专业在校学生申报 (002 §十二(七)): someone in the archive studying an accounting major files the
    学籍在线验证报告; not again before the graduation year of a standing registration."""
    person = account.accountant
    if person.archive_state != "archived":
        raise RuleViolation("信息采集审核通过、进入会计人员数据库后才能申报")
    if major not in ACCOUNTING_MAJORS:
        raise RuleViolation(f"只有会计类专业（{'、'.join(ACCOUNTING_MAJORS)}）的在校学生可以申报", "major")
    if graduation_year is None or not this_year <= graduation_year <= this_year + STUDY_YEARS:
        raise RuleViolation(f"毕业年份应在 {this_year}—{this_year + STUDY_YEARS} 之间", "graduation_year")
    standing = (Filing.select().where(Filing.kind == "student", Filing.accountant == person,
                                      Filing.status.in_(("submitted", "approved")),
                                      Filing.graduation_year > this_year).first())
    if standing:
        raise RuleViolation(f"您已申报（{standing.graduation_year} 年毕业），毕业年份之前不能再次申报")
    checked = images.check_image(report, images.ImageRule.for_slot(profile, "student"))
    return file_with_scan(account, "student", checked, "student", authority=person.authority_id, major=major,
                 graduation_year=graduation_year)


def approve(filing, account, profile):
    with db.atomic():
        _decide(filing, account, "approved", "approve")
        EFFECTS[filing.kind](filing, account)
        audit.record("filing.approve", filing, {"类别": dict(FILING_KINDS)[filing.kind]}, actor=account)
        _tell(filing, profile, "已确认")


def return_filing(filing, account, profile, reasons):
    if not reasons:
        raise RuleViolation("请填写退回原因", "note")
    with db.atomic():
        event = _decide(filing, account, "returned", "return")
        ReturnReason.insert_many([{"event": event, "section": r.section, "target": r.target, "text": r.text}
                                  for r in reasons]).execute()
        audit.record("filing.return", filing, {"退回原因": [r.text for r in reasons]}, actor=account)
        _tell(filing, profile, "已退回，请登录系统查看原因")


def _decide(filing, account, status, kind):
    if not may_decide(account, filing):
        raise RuleViolation("该备案不属于本机构审核")
    now = clock.now()
    decided = (Filing.update(status=status, decided_at=now, decided_by=account)
               .where(Filing.id == filing.id, Filing.status == "submitted").execute())
    if not decided:
        current = Filing.get_by_id(filing.id)
        raise RuleViolation(f"该备案已由{current.decided_by}处理：{dict(FILING_STATES)[current.status]}")
    return ReviewEvent.create(filing=filing, kind=kind, actor=account, at=now)


def _tell(filing, profile, outcome):
    notifier.send_sms(filing.accountant.phone,
                      f"【{profile.system_name}】您提交的{dict(FILING_KINDS)[filing.kind]}{outcome}。")


def _become_head(filing, account):
    """One head per unit: the confirmed applicant replaces whoever headed it (an accountant goes back to
    being one; an account made only for the unit is switched off)."""
    replaced = list(Account.select().where(Account.role == "unit_head", Account.unit == filing.unit_id))
    for old in replaced:
        if old.accountant_id:
            old.role, old.unit = "accountant", None
        else:
            old.is_enabled = False
        old.save()
    (Filing.update(ended_at=clock.now())
     .where(Filing.kind == "unit_head", Filing.unit == filing.unit_id, Filing.status == "approved",
            Filing.id != filing.id, Filing.ended_at.is_null()).execute())
    Account.update(role="unit_head", unit=filing.unit_id).where(Account.accountant == filing.accountant_id).execute()
    audit.record("unit_head.replace", filing.unit,
                 {"新负责人": filing.name, "原负责人": [a.accountant.name if a.accountant_id else str(a) for a in replaced]},
                 actor=account)


def _stands(filing, account):
    """A student's registration, or an entry filing (which lets the person start collection), stands as filed."""


EFFECTS = {"unit_head": _become_head, "student": _stands, "qualification": _stands, "appointment": _stands}
