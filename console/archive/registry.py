"""The people registry (会计人员档案) as the bureau keeps it: an approved collection brings its person into the
archive; who is in the 异动 database comes back only by a reviewer of their bureau, with a reason on record."""

from peewee import SQL, Value, fn

from console.archive import work_history
from console.errors import RuleViolation
from console.infra import audit, clock, texts
from console.org.access import may_decide
from models import Accountant, PersonalSection, PostSection, WorkPeriod, db


def enter_archive(collection, now):
    """An approved collection's person enters the archive (在库) with its unit and duty; the work history
    starts, or turns where a 信息变更 moved them."""
    post = (
        PostSection.select(PostSection, PersonalSection.email)
        .join(PersonalSection, on=PersonalSection.collection == PostSection.collection)
        .where(PostSection.collection == collection.id)
        .objects()
        .first()
    )
    started = post.work_started_on if post else None
    if collection.kind == "change" and post:
        _follow_change(collection.accountant_id, post, now)
    (
        Accountant.update(
            archive_state="archived",
            archived_at=now,
            unit=post.unit_id if post else None,
            on_duty=bool(post and post.on_duty),
            email=post.email if post else "",
            work_started_on=fn.COALESCE(Accountant.work_started_on, started),
        )
        .where(Accountant.id == collection.accountant_id)
        .execute()
    )
    if started:  # the first period, unless the history has begun already: one INSERT … WHERE NOT EXISTS
        begun = WorkPeriod.select(SQL("1")).where(WorkPeriod.accountant == collection.accountant_id)
        first = Accountant.select(
            Accountant.id, Value(post.unit_id), Value(started), Value(bool(post.on_duty)), Value("declared")
        ).where(Accountant.id == collection.accountant_id, ~fn.EXISTS(begun))
        WorkPeriod.insert_from(
            first,
            [WorkPeriod.accountant, WorkPeriod.unit, WorkPeriod.started_on, WorkPeriod.on_duty, WorkPeriod.source],
        ).execute()


def _follow_change(accountant_id, post, now):
    """A 信息变更 that moves the person to another unit, or on or off duty, turns the work history there."""
    held = Accountant.get_by_id(accountant_id)
    if (held.unit_id, held.on_duty) != (post.unit_id, bool(post.on_duty)):
        work_history.new_period(
            [accountant_id], clock.to_beijing(now).date(), "change", post.unit_id, bool(post.on_duty)
        )


def restore(accountant, reason, account):
    """恢复: from 异动 back into the archive, so the person can sign in again."""
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
