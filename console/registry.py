"""The people registry (会计人员档案) as the bureau keeps it: who is in the 异动 database comes back
only by a reviewer of their bureau, with a reason on record."""
from console import audit
from console.errors import RuleViolation
from console.scope import may_decide
from models import Accountant, db

MAX_REASON = 500


def restore(accountant, reason, account):
    """恢复: from 异动 back into the archive, so the person can sign in again."""
    if not may_decide(account, accountant):
        raise RuleViolation("该人员不属于本机构管理")
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise RuleViolation(f"请填写恢复原因，不超过 {MAX_REASON} 字", "reason")
    with db.atomic():
        done = (Accountant.update(archive_state="archived")
                .where(Accountant.id == accountant.id, Accountant.archive_state == "abnormal").execute())
        if not done:
            raise RuleViolation("该人员不在异动库中")
        audit.record("accountant.restore", accountant, {"姓名": accountant.name, "原因": reason}, actor=account)
