"""单位会计机构负责人备案 (002 §十二(三)): an accountant on duty at a unit applies with the unit's letter to head
its accounting; the unit's bureau confirms it (console.filings.workflow)."""

from console.errors import RuleViolation
from console.filings.workflow import file_with_scan
from console.infra import images
from models import Filing


def apply_for_head(account, letter, profile):
    """An accountant on duty at a unit asks to be its accounting head, with the unit's letter."""
    person = account.accountant
    if person.archive_state != "archived" or not person.on_duty or person.unit_id is None:
        raise RuleViolation("只有信息已入库、在岗且有工作单位的会计人员才能申请成为单位会计机构负责人")
    if account.role == "unit_head":
        raise RuleViolation("您已是本单位会计机构负责人")
    if (
        Filing.select()
        .where(Filing.kind == "unit_head", Filing.accountant == person, Filing.status == "submitted")
        .exists()
    ):
        raise RuleViolation("您的申请正在审核，请勿重复提交")
    checked = images.check_image(letter, images.ImageRule.for_slot(profile, "head_letter"))
    return file_with_scan(
        account, "unit_head", checked, "head_letter", authority=person.unit.authority_id, unit=person.unit_id
    )
