"""The review state machine: claims, one decision out of two, approve into the archive, return with
reasons, the diff of a resubmission, flags, auto-pass and bulk approval."""

import re
import threading
from dataclasses import replace
from datetime import date, timedelta

import pytest

from console.archive import registry
from console.collection import answers, attachments, lifecycle
from console.errors import RuleViolation
from console.infra import clock, notifier
from console.profiles import load_profile
from console.review import claims, decisions, diff, screening
from models import (
    Account,
    Accountant,
    AuditEntry,
    Authority,
    Collection,
    Education,
    LegacyRecord,
    OutboxMessage,
    PersonalSection,
    PostSection,
    ReasonTemplate,
    ReturnReason,
    ReviewEvent,
    Unit,
    WorkPeriod,
    db,
)
from tests.factories import applicant, complete, scan_for, submitted, unit_code
from tests.images import noisy_jpeg


def reviewer(name, code="150203"):
    return Account.create(
        username=name,
        password_hash="x",
        role="reviewer",
        display_name=name,
        authority=Authority.get(Authority.code == code),
        created_at=clock.now(),
    )


@pytest.fixture
def waiting(app, ctx, scans):
    return submitted(app, scans)


@pytest.fixture
def profile(app):
    return app.extensions["profile"]


def test_a_clean_submission_waits_at_the_units_bureau_without_flags(waiting):
    assert (waiting.status, waiting.flags, waiting.authority.name) == ("submitted", "", "昆都仑区财政局")


def test_approve_needs_the_claim_and_enters_the_archive(waiting, profile):
    li = reviewer("李审核")
    with pytest.raises(RuleViolation, match="领取已过期，请重新打开后再审核"):
        decisions.approve(waiting, li, profile)
    decisions.approve(claims.claim(waiting, li), li, profile)

    decided = Collection.get_by_id(waiting.id)
    assert (decided.status, decided.decided_by_id, decided.claimed_by_id) == ("approved", li.id, None)
    person = Accountant.get_by_id(waiting.accountant_id)
    assert (person.archive_state, person.on_duty, person.work_started_on) == ("archived", True, date(2012, 8, 1))
    period = WorkPeriod.get(WorkPeriod.accountant == person)
    assert (period.started_on, period.ended_on, period.on_duty) == (date(2012, 8, 1), None, True)
    registry.enter_archive(decided, clock.now())  # a later approval (信息变更) keeps the history it has
    assert WorkPeriod.select().where(WorkPeriod.accountant == person).count() == 1
    sms = OutboxMessage.get(OutboxMessage.recipient == person.phone)
    assert "审核通过" in sms.body and sms.channel == "sms"
    assert AuditEntry.get(AuditEntry.action == "collection.approve").actor_name == "李审核"
    assert [e.kind for e in ReviewEvent.select().order_by(ReviewEvent.id)] == ["submit", "claim", "approve"]


def test_of_two_reviewers_one_holds_the_claim_and_exactly_one_decides(waiting, profile, monkeypatch):
    li, zhao = reviewer("李审核"), reviewer("赵审核")
    claims.claim(waiting, li)
    with pytest.raises(RuleViolation, match="李审核正在审核"):
        claims.claim(waiting, zhao)
    with pytest.raises(RuleViolation, match="李审核正在审核"):
        decisions.approve(waiting, zhao, profile)

    later = clock.now() + timedelta(minutes=claims.CLAIM_MINUTES + 1)
    monkeypatch.setattr(clock, "now", lambda: later)  # 李 left it open; the claim has lapsed
    decisions.approve(claims.claim(waiting, zhao), zhao, profile)
    with pytest.raises(RuleViolation, match=r"赵审核已于 .* 作出决定：审核通过"):
        decisions.return_collection(waiting, li, profile, [decisions.Reason("personal", "", "民族有误")])
    assert ReviewEvent.select().where(ReviewEvent.kind.in_(("approve", "return"))).count() == 1
    assert ReturnReason.select().count() == 0


def test_a_double_click_decides_once(waiting, profile):
    li = reviewer("李审核")
    claimed = claims.claim(waiting, li)
    decisions.approve(claimed, li, profile)
    with pytest.raises(RuleViolation, match="李审核已于"):
        decisions.approve(claimed, li, profile)
    assert OutboxMessage.select().count() == 1


def test_a_county_collection_is_read_not_decided_by_the_city(waiting):
    city = reviewer("包头审核", "1502")
    with pytest.raises(RuleViolation, match="不属于本机构审核"):
        claims.claim(waiting, city)


def test_return_needs_a_reason_and_keeps_each_at_its_field(waiting, profile):
    li = reviewer("李审核")
    template = ReasonTemplate.create(section="education", target="full_time_school", text="毕业院校与证书不一致")
    with pytest.raises(RuleViolation, match="请至少选择或填写一条退回原因"):
        decisions.reasons_from([], "  ")
    stale = ReasonTemplate.create(section="personal", target="", text="旧模板", is_active=False)
    with pytest.raises(RuleViolation, match="已停用或不存在"):
        decisions.reasons_from([str(stale.id)], "")
    with pytest.raises(RuleViolation, match="补充说明不能超过 500 字"):
        decisions.reasons_from([], "长" * 501)

    reasons = decisions.reasons_from([str(template.id)], "学位证书请上传原件扫描件", "attachments")
    decisions.return_collection(claims.claim(waiting, li), li, profile, reasons)
    assert Collection.get_by_id(waiting.id).status == "returned"
    assert {(r.section, r.target, r.text) for r in ReturnReason.select()} == {
        ("education", "full_time_school", "毕业院校与证书不一致"),
        ("attachments", "", "学位证书请上传原件扫描件"),
    }
    assert "已退回" in OutboxMessage.get().body


def test_a_resubmission_shows_what_changed_since_the_return(app, waiting, profile, scans):
    li = reviewer("李审核")
    decisions.return_collection(
        claims.claim(waiting, li), li, profile, [decisions.Reason("education", "full_time_school", "毕业院校有误")]
    )
    Education.update(school="内蒙古大学").where(
        Education.collection == waiting, Education.mode == "full_time"
    ).execute()
    Education.create(collection=waiting, mode="part_time")  # the wizard saves an untouched part-time row too
    attachments.attach(waiting, "diploma", noisy_jpeg(900, 650, 65, 145), profile, None)
    again = lifecycle.submit(Collection.get_by_id(waiting.id), applicant_of(waiting), profile)

    fields, files = diff.of(again)
    assert fields == [("education", "full_time_school", "内蒙古财经大学", "内蒙古大学")]
    assert files == [("diploma", "已更换")]
    assert diff.of(waiting) is None  # the first submission has nothing to compare


def applicant_of(collection):
    return Account.get(Account.accountant == collection.accountant_id)


def test_checks_flag_what_needs_a_person(app, ctx, scans, profile):
    LegacyRecord.create(id_number="150105199001010011", name="别人", phone="13900000002", imported_at=clock.now())
    account = applicant("钱多", 125, "13900000002")
    draft = lifecycle.open_draft(account.accountant)
    complete(app, draft, {**scans, "photo": noisy_jpeg(295, 413, 60, 100)})  # noise all over: no white background
    flagged = lifecycle.submit(draft, account, profile)
    assert flagged.flags == "phone_duplicate,photo_background"
    found = screening.run(flagged, answers.read(flagged), profile)
    phone = [c for c in found if c.field == "phone"][0]
    assert phone.text == "该手机号还登记在证件号码 150105********0011 名下"

    given = answers.read(flagged)
    given["post"]["unit_uscc"] = "91110105MA00000010"
    given["post"]["work_started_on"] = date(2011, 1, 1)
    given["personal"]["id_number"] = given["personal"]["id_number"][:-1] + "0"
    assert {"uscc_invalid", "work_before_graduation", "id_invalid"} <= set(
        screening.flags_of(screening.run(flagged, given, profile))
    )


def test_an_unchanged_legacy_record_passes_without_review(app, ctx, scans, profile):
    account = applicant("孙旧", 126, "13900000003")
    LegacyRecord.create(
        id_number=account.accountant.id_number,
        name="孙旧",
        unit_uscc="",
        education_level="本科",
        qualification_level="无",
        imported_at=clock.now(),
    )
    draft = lifecycle.open_draft(account.accountant)
    complete(app, draft, scans)
    passed = lifecycle.submit(draft, account, profile)
    assert (passed.status, passed.decided_by_id) == ("approved", None)
    assert ReviewEvent.get(ReviewEvent.kind == "auto_pass").actor_id is None
    assert AuditEntry.get(AuditEntry.action == "collection.auto_pass").actor_name == "系统"
    assert Accountant.get_by_id(account.accountant_id).archive_state == "archived"


def test_a_changed_legacy_record_goes_to_the_queue(app, ctx, scans, profile):
    account = applicant("孙改", 127, "13900000004")
    LegacyRecord.create(
        id_number=account.accountant.id_number, name="孙改", qualification_level="初级", imported_at=clock.now()
    )
    draft = lifecycle.open_draft(account.accountant)
    complete(app, draft, scans)
    assert lifecycle.submit(draft, account, profile).status == "submitted"


def test_a_province_without_auto_pass_reviews_everyone(app, ctx, scans, profile):
    account = applicant("孙渝", 131, "13900000008")
    LegacyRecord.create(id_number=account.accountant.id_number, name="孙渝", imported_at=clock.now())
    draft = lifecycle.open_draft(account.accountant)
    complete(app, draft, scans)
    assert lifecycle.submit(draft, account, replace(profile, auto_pass="")).status == "submitted"
    assert [p.auto_pass for p in map(load_profile, ("bingtuan", "chongqing"))] == ["", ""]


def test_bulk_approval_skips_the_flagged_and_other_authorities(app, ctx, scans, profile):
    clean = submitted(app, scans, "周一", 128, "13900000005")
    flagged = submitted(app, scans, "周二", 129, "13900000006")
    Collection.update(flags="photo_background").where(Collection.id == flagged.id).execute()
    elsewhere = submitted(app, scans, "周三", 130, "13900000007", unit_region="150102")
    approved, skipped = decisions.bulk_approve([clean.id, flagged.id, elsewhere.id], reviewer("李审核"), profile)
    assert [c.id for c in approved] == [clean.id]
    assert [(c.id, why) for c, why in skipped] == [(flagged.id, "有自动检查标记，请逐件审核")]
    assert {c.id: c.status for c in Collection.select()} == {
        clean.id: "approved",
        flagged.id: "submitted",
        elsewhere.id: "submitted",
    }


@pytest.mark.committing
def test_two_decisions_at_the_same_moment_end_with_exactly_one(app, waiting, profile):
    """Two requests (two threads, two connections) decide the same claimed collection at once."""
    li = reviewer("李审核")
    claimed = claims.claim(waiting, li)
    start, outcomes = threading.Barrier(2), []

    def decide(action):
        with app.app_context(), db.connection_context():
            start.wait()
            try:
                action()
                outcomes.append("decided")
            except RuleViolation as refusal:
                outcomes.append(str(refusal))

    threads = [
        threading.Thread(target=decide, args=(lambda: decisions.approve(claimed, li, profile),)),
        threading.Thread(
            target=decide,
            args=(
                lambda: decisions.return_collection(
                    claimed, li, profile, [decisions.Reason("personal", "", "民族有误")]
                ),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[0] == "decided" and re.match(r"李审核已于 .* 作出决定", sorted(outcomes)[1])
    assert ReviewEvent.select().where(ReviewEvent.kind.in_(("approve", "return"))).count() == 1
    assert OutboxMessage.select().count() == 1


def test_a_change_after_approval_is_reviewed_against_the_archive(app, waiting, profile, scans):
    li = reviewer("李审核")
    decisions.approve(claims.claim(waiting, li), li, profile)
    account = applicant_of(waiting)
    change = lifecycle.open_change(account.accountant)
    assert (change.kind, change.status, change.id != waiting.id) == ("change", "draft", True)
    assert lifecycle.open_change(account.accountant).id == change.id  # the open change is the one to edit
    copied = {a.slot: a for a in change.attachments}
    originals = {a.slot: a for a in waiting.attachments}
    assert copied.keys() == originals.keys()
    assert all(
        copied[s].storage_name != originals[s].storage_name and copied[s].sha256 == originals[s].sha256 for s in copied
    )
    assert answers.flat(answers.read(change)) == answers.flat(answers.read(waiting))

    other = Unit.create(
        uscc=unit_code("150203", 7),
        name="新单位",
        region_code="150203",
        authority=Authority.get(Authority.code == "150203"),
        created_at=clock.now(),
    )
    PostSection.update(unit=other, unit_uscc=other.uscc).where(PostSection.collection == change).execute()
    Collection.update(commitment_at=clock.now()).where(Collection.id == change.id).execute()
    with pytest.raises(RuleViolation, match="工作单位已变更，请上传新单位出具的从事会计工作证明函"):
        lifecycle.submit(Collection.get_by_id(change.id), account, profile)  # the old unit's letter is void
    attachments.attach(change, "letter", scan_for(change, "letter", scans), profile, None)
    sent = lifecycle.submit(Collection.get_by_id(change.id), account, profile)
    assert sent.status == "submitted" and "letter_mismatch" not in sent.flags
    fields, files = diff.of(sent)
    assert fields == [("post", "unit_uscc", unit_code("150203"), other.uscc)] and files == [("letter", "已更换")]

    decisions.approve(claims.claim(sent, li), li, profile)
    person = Accountant.get_by_id(waiting.accountant_id)
    assert person.unit_id == other.id
    periods = [(p.unit_id, p.ended_on is None, p.source) for p in person.work_periods.order_by(WorkPeriod.id)]
    assert periods == [(waiting.postsection_set.get().unit_id, False, "declared"), (other.id, True, "change")]


def test_an_approved_change_corrects_the_name_and_phone_and_the_person_follows_the_routing(
    app, waiting, profile, scans
):
    li = reviewer("李审核")
    assert Accountant.get_by_id(waiting.accountant_id).authority.code == "150105"  # registered by the ID's region
    decisions.approve(claims.claim(waiting, li), li, profile)
    assert Accountant.get_by_id(waiting.accountant_id).authority.code == "150203"  # managed where it was routed
    account = applicant_of(waiting)
    change = lifecycle.open_change(account.accountant)
    PersonalSection.update(name="王莹", phone="13900001111").where(PersonalSection.collection == change).execute()
    Collection.update(commitment_at=clock.now()).where(Collection.id == change.id).execute()
    sent = lifecycle.submit(Collection.get_by_id(change.id), account, profile)
    assert {(section, field) for section, field, *_ in diff.of(sent)[0]} == {
        ("personal", "name"),
        ("personal", "phone"),
    }

    applicant("张三", 301, "13900001111")  # registered with the new phone while the change waited
    with pytest.raises(RuleViolation, match="该手机号已被其他人员使用"):
        decisions.approve(claims.claim(sent, li), li, profile)
    assert Collection.get_by_id(sent.id).status == "submitted"
    person = Accountant.get_by_id(waiting.accountant_id)
    assert (person.name, person.phone) == ("王影", "13912345678")  # nothing half-written

    Accountant.update(phone="13900002222").where(Accountant.name == "张三").execute()
    decisions.approve(claims.claim(sent, li), li, profile)
    person = Accountant.get_by_id(waiting.accountant_id)
    assert (person.name, person.phone) == ("王莹", "13900001111")


def archive_of(accountant_id):
    person = Accountant.get_by_id(accountant_id)
    periods = [(p.unit_id, p.started_on, p.ended_on) for p in person.work_periods.order_by(WorkPeriod.id)]
    return (person.archive_state, person.archived_at, person.unit_id, person.on_duty, person.phone), periods


def test_an_undone_approval_leaves_the_archive_and_the_outbox_as_before(app, waiting, profile):
    li = reviewer("李审核")
    before = archive_of(waiting.accountant_id)
    decisions.approve(claims.claim(waiting, li), li, profile, undoable=True)
    sms = OutboxMessage.get(
        OutboxMessage.recipient == waiting.accountant.phone, OutboxMessage.body.contains("审核通过")
    )
    assert sms.delivered_at is None and Accountant.get_by_id(waiting.accountant_id).archive_state == "archived"

    decisions.undo_approval(Collection.get_by_id(waiting.id), li)
    undone = Collection.get_by_id(waiting.id)
    assert (undone.status, undone.decided_by_id, undone.claimed_by_id) == ("submitted", None, li.id)
    assert archive_of(waiting.accountant_id) == before
    assert OutboxMessage.get_by_id(sms.id).cancelled_at is not None and notifier.deliver_due() == 0
    kinds = [e.kind for e in ReviewEvent.select().where(ReviewEvent.collection == waiting).order_by(ReviewEvent.id)]
    assert kinds[-2:] == ["approve", "undo"] and AuditEntry.get(AuditEntry.action == "collection.undo")

    decisions.approve(Collection.get_by_id(waiting.id), li, profile)  # decided again, for good
    assert Collection.get_by_id(waiting.id).status == "approved"


def test_an_undone_change_puts_the_old_unit_and_its_period_back(app, waiting, profile, scans):
    li = reviewer("李审核")
    decisions.approve(claims.claim(waiting, li), li, profile)
    account = applicant_of(waiting)
    change = lifecycle.open_change(account.accountant)
    other = Unit.create(
        uscc=unit_code("150203", 7),
        name="新单位",
        region_code="150203",
        authority=waiting.authority,
        created_at=clock.now(),
    )
    PostSection.update(unit=other, unit_uscc=other.uscc).where(PostSection.collection == change).execute()
    PersonalSection.update(phone="13700000077").where(PersonalSection.collection == change).execute()
    Collection.update(commitment_at=clock.now()).where(Collection.id == change.id).execute()
    attachments.attach(change, "letter", scan_for(change, "letter", scans), profile, None)
    sent = lifecycle.submit(Collection.get_by_id(change.id), account, profile)
    before = archive_of(waiting.accountant_id)

    decisions.approve(claims.claim(sent, li), li, profile, undoable=True)
    assert archive_of(waiting.accountant_id) != before
    decisions.undo_approval(Collection.get_by_id(sent.id), li)
    assert archive_of(waiting.accountant_id) == before


def test_an_approval_is_undone_only_by_its_reviewer_soon_and_before_their_next_decision(
    app, ctx, waiting, profile, scans, monkeypatch
):
    li, wang = reviewer("李审核"), reviewer("王审核")
    decisions.approve(claims.claim(waiting, li), li, profile, undoable=True)
    with pytest.raises(RuleViolation, match="只能撤销本人刚刚作出的审核通过"):
        decisions.undo_approval(Collection.get_by_id(waiting.id), wang)
    later = submitted(app, scans, name="赵后", serial=301, phone="13912340301")
    decisions.approve(claims.claim(later, li), li, profile, undoable=True)
    with pytest.raises(RuleViolation, match="只能撤销本人刚刚作出的审核通过"):
        decisions.undo_approval(Collection.get_by_id(waiting.id), li)  # a decision came since

    soon = clock.now()
    monkeypatch.setattr(clock, "now", lambda: soon + decisions.UNDO_WINDOW + timedelta(seconds=1))
    with pytest.raises(RuleViolation, match="审核通过已超过 10 秒，不能撤销"):
        decisions.undo_approval(Collection.get_by_id(later.id), li)
    assert Collection.get_by_id(later.id).status == "approved"
    assert notifier.deliver_due() == 2  # both approvals' SMS go out once their undo has passed
    assert notifier.deliver_due() == 0
