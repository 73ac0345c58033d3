"""会计信用信息: 守信 and 失信 records a unit's head reports for its people; they count once the
people's bureau confirms them (002 §十二(五))."""

from console.errors import RuleViolation
from console.infra import audit, clock, texts
from console.org.access import heads, may_decide
from models import CreditRecord, db
from models.credit_record import CREDIT_KINDS


def report(accountant, kind, occurred_on, description, account, today):
    if not heads(account, accountant):
        raise RuleViolation("只能为本单位的会计人员报送信用信息", "accountant")
    if kind not in CREDIT_KINDS.values():
        raise RuleViolation("请选择守信或失信", "kind")
    if occurred_on is None or occurred_on > today:
        raise RuleViolation("请填写发生日期，且不能晚于今天", "occurred_on")
    description = texts.reason(description, "description", "事由")
    with db.atomic():
        record = CreditRecord.create(
            accountant=accountant,
            kind=kind,
            source="unit",
            occurred_on=occurred_on,
            description=description,
            entered_by=account,
            entered_at=clock.now(),
        )
        audit.record(
            "credit_record.report", record, {"姓名": accountant.name, "类别": CREDIT_KINDS.label(kind)}, actor=account
        )
    return record


def decide(record, account, confirmed):
    """确认 or 不予确认, by a reviewer of the person's bureau, once."""
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
