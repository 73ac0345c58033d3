"""会计类专业在校学生申报 (002 §十二(七)): someone in the archive studying an accounting major files the
学籍在线验证报告, confirmed by their bureau (console.filings.workflow)."""

from console.errors import RuleViolation
from console.filings.workflow import file_with_scan
from console.infra import images
from models import Filing

ACCOUNTING_MAJORS = ("会计学", "财务管理", "会计电算化", "管理会计", "注册会计师专门化", "审计学", "理财学")
STUDY_YEARS = 8  # the latest graduation year a student may give, counted from this year


def apply_as_student(account, major, graduation_year, report, profile, this_year):
    """会计类专业在校学生申报 (002 §十二(七)): someone in the archive studying an accounting major files the
    学籍在线验证报告; again only from the year after the graduation year of a standing registration (继续深造的，
    在毕业年度的第二年可以再次申报)."""
    person = account.accountant
    if person.archive_state != "archived":
        raise RuleViolation("信息采集审核通过、进入会计人员数据库后才能申报")
    if major not in ACCOUNTING_MAJORS:
        raise RuleViolation(f"只有会计类专业（{'、'.join(ACCOUNTING_MAJORS)}）的在校学生可以申报", "major")
    if graduation_year is None or not this_year <= graduation_year <= this_year + STUDY_YEARS:
        raise RuleViolation(f"毕业年份应在 {this_year}—{this_year + STUDY_YEARS} 之间", "graduation_year")
    standing = (
        Filing.select()
        .where(
            Filing.kind == "student",
            Filing.accountant == person,
            Filing.status.in_(("submitted", "approved")),
            Filing.graduation_year >= this_year,
        )
        .first()
    )
    if standing:
        raise RuleViolation(
            f"您已申报（{standing.graduation_year} 年毕业）；继续深造的，{standing.graduation_year + 1} 年起可以再次申报"
        )
    checked = images.check_image(report, images.ImageRule.for_slot(profile, "student"))
    return file_with_scan(
        account,
        "student",
        checked,
        "student",
        authority=person.authority_id,
        major=major,
        graduation_year=graduation_year,
    )
