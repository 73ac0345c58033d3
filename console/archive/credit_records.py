"""会计信用信息 (002 §十二(五)): 守信 and 失信 records, entered three ways. The accountant declares their own,
with a proof, recorded at once (会计人员可以直接申报记载); a unit's head reports for the unit's people, and the
record counts once the people's bureau confirms it; the bureau records directly (先行确认后直接记载). The person
is told by SMS of what the bureau records or decides."""

from console.collection import attachments
from console.errors import RuleViolation
from console.infra import audit, clock, images, messages, notifier, texts
from console.org.access import heads, may_decide
from console.profiles import current_profile
from models import CreditRecord, db
from models.credit_record import CREDIT_KINDS

ON_RECORD = ("archived", "abnormal")  # in the archive, or in 异动 (still a record the bureau keeps)
PROOF_SLOTS = {"trust": "award_proof", "breach": "violation_proof"}


def report(accountant, kind, occurred_on, description, account, today):
    if not heads(account, accountant):
        raise RuleViolation("只能为本单位的会计人员报送信用信息", "accountant")
    description = _checked(kind, occurred_on, description, today)
    with db.atomic():
        record = _create(accountant, kind, "unit", occurred_on, description, account)
        _audit("credit_record.report", record, account)
    return record


def declare(account, kind, occurred_on, description, proof, profile, today):
    """本人申报: the signed-in accountant's own record, with the scan that proves it; in force at once."""
    person = account.accountant
    if person.archive_state != "archived":
        raise RuleViolation("信息采集审核通过、进入会计人员数据库后才能申报信用信息")
    description = _checked(kind, occurred_on, description, today)
    if not proof:
        raise RuleViolation("请上传证明材料扫描件", "proof")
    slot = PROOF_SLOTS[kind]
    try:
        checked = images.check_image(proof, images.ImageRule.for_slot(profile, slot))
    except RuleViolation as refused:
        raise RuleViolation(str(refused), "proof") from refused
    name = attachments.stored(checked)
    with db.atomic():
        scan = attachments.record(name, checked, slot, account, accountant=person.id)
        record = _create(person, kind, "accountant", occurred_on, description, account, proof=scan, **_in_force())
        _audit("credit_record.declare", record, account)
    return record


def record_directly(accountant, kind, occurred_on, description, account, profile, today):
    """会计管理机构记载: by a reviewer of the person's bureau, in force at once; the person is told."""
    if not may_decide(account, accountant):
        raise RuleViolation("该人员不属于本机构管理")
    if accountant.archive_state not in ON_RECORD:
        raise RuleViolation("只能为在库或异动库中的人员记载信用信息")
    description = _checked(kind, occurred_on, description, today)
    with db.atomic():
        record = _create(accountant, kind, "bureau", occurred_on, description, account, **_in_force(account))
        _audit("credit_record.record", record, account)
        notifier.send_sms(accountant.phone, messages.sms(profile, "credit_recorded", kind=CREDIT_KINDS.label(kind)))
    return record


def decide(record, account, confirmed, profile=current_profile):
    """确认 or 不予确认 a unit's report, by a reviewer of the person's bureau, once; the person is told."""
    if not may_decide(account, record.accountant):
        raise RuleViolation("该信用信息不属于本机构确认")
    with db.atomic():
        done = (
            CreditRecord.update(
                status="confirmed" if confirmed else "rejected", confirmed_by=account, confirmed_at=clock.now()
            )
            .where(CreditRecord.id == record.id, CreditRecord.status == "pending")
            .execute()
        )
        if not done:
            raise RuleViolation("该信用信息已处理")
        audit.record("credit_record.confirm" if confirmed else "credit_record.reject", record, actor=account)
        outcome = "已经会计管理机构确认" if confirmed else "未经会计管理机构确认"
        told = messages.sms(profile, "credit_decided", kind=CREDIT_KINDS.label(record.kind), outcome=outcome)
        notifier.send_sms(record.accountant.phone, told)


def _checked(kind, occurred_on, description, today):
    """The record's own fields, checked one rule for every source; returns the description trimmed."""
    if kind not in CREDIT_KINDS.values():
        raise RuleViolation("请选择守信或失信", "kind")
    if occurred_on is None or occurred_on > today:
        raise RuleViolation("请填写发生日期，且不能晚于今天", "occurred_on")
    return texts.reason(description, "description", "事由")


def _create(accountant, kind, source, occurred_on, description, account, **more):
    return CreditRecord.create(
        accountant=accountant,
        kind=kind,
        source=source,
        occurred_on=occurred_on,
        description=description,
        entered_by=account,
        entered_at=clock.now(),
        **more,
    )


def _in_force(confirmed_by=None):
    """Recorded at once: confirmed now, by the bureau that records it (nobody, for the accountant's own)."""
    return {"status": "confirmed", "confirmed_by": confirmed_by, "confirmed_at": clock.now()}


def _audit(action, record, account):
    person = record.accountant
    detail = {"姓名": person.name, "类别": CREDIT_KINDS.label(record.kind), "发生日期": record.occurred_on}
    audit.record(action, record, detail, actor=account)
