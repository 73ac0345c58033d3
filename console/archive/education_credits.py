"""继续教育学分 entered by hand: the bureau that manages a person records a year's credits from the proof the person
brings, beside what the credit bank imports (console.imports.education_credits) and under its rules: each value
checked alike, one row per person, year and provider (a key already held is refused here, not replaced)."""

from contextlib import contextmanager

from console.archive.credit_records import ON_RECORD
from console.collection import attachments
from console.errors import RuleViolation
from console.imports import education_credits as bank
from console.infra import audit, clock, images
from console.org.access import may_decide
from models import EducationCredit, db


def enter(accountant, year, provider, credits, professional, proof, account, profile, this_year):
    """The year's credits of one provider, with the scan of the proof; audited."""
    if not may_decide(account, accountant):
        raise RuleViolation("该人员不属于本机构管理")
    if accountant.archive_state not in ON_RECORD:
        raise RuleViolation("只能为在库或异动库中的人员记载继续教育学分")
    year = _checked("year", "年度", bank.year_of, year, this_year)
    provider = _checked("provider", "培训机构或项目", bank.provider_of, provider)
    total = _checked("credits", "学分", bank.credits_of, credits, "学分")
    special = _checked("professional_credits", "专业科目学分", bank.credits_of, professional, "专业科目学分")
    with _refused_at("professional_credits"):
        bank.check_share(total, special)
    held = EducationCredit.select().where(
        EducationCredit.accountant == accountant, EducationCredit.year == year, EducationCredit.provider == provider
    )
    if held.exists():
        raise RuleViolation(f"{year} 年度“{provider}”的学分已有记录", "provider")
    if not proof:
        raise RuleViolation("请上传继续教育学分证明扫描件", "proof")
    try:
        checked = images.check_image(proof, images.ImageRule.for_slot(profile, "education_proof"))
    except RuleViolation as refused:
        raise RuleViolation(str(refused), "proof") from refused
    name = attachments.stored(checked)
    with db.atomic():
        scan = attachments.record(name, checked, "education_proof", account, accountant=accountant.id)
        entered = EducationCredit.create(
            accountant=accountant,
            year=year,
            credits=total,
            professional_credits=special,
            provider=provider,
            imported_at=clock.now(),
            entered_by=account,
            proof=scan,
        )
        audit.record(
            "education_credit.record",
            entered,
            {"姓名": accountant.name, "年度": year, "培训机构": provider, "学分": total, "专业科目学分": special},
            actor=account,
        )
    return entered


def _checked(field, label, check, text, *args):
    """A value typed in, checked by the import's rule for it."""
    text = (text or "").strip()
    if not text:
        raise RuleViolation(f"请填写{label}", field)
    with _refused_at(field):
        return check(text, *args)


@contextmanager
def _refused_at(field):
    """The import's refusal (a ValueError) shown at the field."""
    try:
        yield
    except ValueError as wrong:
        raise RuleViolation(str(wrong), field) from None
