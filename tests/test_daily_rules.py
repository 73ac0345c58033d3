"""The daily management rules at their edges, and the yearly job that applies them."""

import json
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from console.archive import daily_rules, work_history
from console.archive.daily_rules import CreditRequirement
from console.errors import RuleViolation
from console.infra import clock, messages
from console.profiles import load_profile
from models import (
    Account,
    Accountant,
    Appraisal,
    AuditEntry,
    Authority,
    Collection,
    EducationCredit,
    OutboxMessage,
    QualificationSection,
    RuleChange,
    RuleRun,
    Unit,
    WorkPeriod,
)
from tests.helpers import csrf_token, make_accountant, resident_id

REQUIREMENT = CreditRequirement.from_profile(load_profile("neimenggu").continuing_education)


def test_a_year_needs_the_credits_and_two_thirds_professional():
    assert REQUIREMENT.met(Decimal("90"), Decimal("60"))
    assert not REQUIREMENT.met(Decimal("90"), Decimal("59.9"))
    assert not REQUIREMENT.met(Decimal("89.5"), Decimal("89.5"))


def test_the_requirement_starts_the_year_after_qualification_even_mid_year():
    assert daily_rules.first_required_year(date(2023, 6, 15), None) == 2024
    assert daily_rules.first_required_year(date(2023, 6, 15), date(2021, 9, 1)) == 2022  # work came first
    assert daily_rules.first_required_year(None, None) is None


def test_three_consecutive_or_four_cumulative_missed_years_move_to_abnormal():
    assert daily_rules.moves_to_abnormal([2021, 2022, 2023])
    assert not daily_rules.moves_to_abnormal([2021, 2022, 2024])
    assert daily_rules.moves_to_abnormal([2018, 2020, 2022, 2024])
    assert not daily_rules.moves_to_abnormal([2018, 2020, 2022])
    assert daily_rules.missed_years(2022, {2023}, 2025) == [2022, 2024, 2025]


def test_years_before_the_credit_bank_are_not_checked():
    assert REQUIREMENT.since == 2019
    assert daily_rules.missed_years(max(2005, REQUIREMENT.since), set(), 2021) == [2019, 2020, 2021]


def test_work_years_count_on_duty_periods_only():
    periods = [
        SimpleNamespace(started_on=date(2015, 1, 1), ended_on=date(2017, 1, 1), on_duty=True),
        SimpleNamespace(started_on=date(2017, 1, 1), ended_on=date(2019, 1, 1), on_duty=False),
        SimpleNamespace(started_on=date(2019, 1, 1), ended_on=None, on_duty=True),
    ]
    assert work_history.accounting_work_years(periods, date(2021, 1, 1)) == 4.0


def archived(name, serial, since=date(2015, 3, 1), qualified_on=None):
    """Someone in the archive, on duty since `since`, qualified on `qualified_on`."""
    person = make_accountant(name=name, id_number=resident_id(serial=serial), phone=f"139{serial:08d}")
    person.archive_state, person.on_duty, person.work_started_on = "archived", True, since
    person.save()
    WorkPeriod.create(accountant=person, started_on=since, on_duty=True)
    now = clock.now()
    collection = Collection.create(
        accountant=person, authority=person.authority, status="approved", created_at=now, updated_at=now
    )
    QualificationSection.create(collection=collection, level="初级", acquired_on=qualified_on)
    return person


def credits(person, *years, professional="60"):
    for year in years:
        EducationCredit.create(
            accountant=person,
            year=year,
            credits=Decimal("90"),
            professional_credits=Decimal(professional),
            imported_at=clock.now(),
        )


@pytest.fixture
def head(ctx):
    return Account.create(username="head", password_hash="x", role="unit_head", created_at=clock.now())


@pytest.fixture
def unit(ctx):
    return Unit.create(
        uscc="x",
        name="单位",
        region_code="150105",
        authority=Authority.get(Authority.code == "150105"),
        created_at=clock.now(),
    )


def appraise(person, unit, head, *years):
    for year in years:
        Appraisal.create(
            accountant=person, unit=unit, year=year, grade="qualified", entered_by=head, entered_at=clock.now()
        )


def unappraised_in(year):
    return {a.id for a in daily_rules.unappraised(year)}


def test_exactly_two_unappraised_years_end_the_duty_in_the_third(head, unit):
    both_missed = archived("甲", 601, since=date(2020, 3, 1))
    appraise(both_missed, unit, head, 2022)
    one_missed = archived("乙", 602, since=date(2020, 3, 1))
    appraise(one_missed, unit, head, 2023)
    other_missed = archived("丙", 603, since=date(2020, 3, 1))
    appraise(other_missed, unit, head, 2024)
    assert unappraised_in(2025) == {both_missed.id}


def test_years_before_the_duty_began_are_not_missed(head, unit):
    archived("丁", 604, since=date(2024, 1, 2))  # on duty only at the end of 2024
    end_of_both = archived("戊", 605, since=date(2023, 12, 31))
    off_duty = archived("己", 606, since=date(2015, 3, 1))
    work_history.end_duty([off_duty.id], date(2020, 1, 1), "departure")
    assert unappraised_in(2025) == {end_of_both.id}


def test_the_yearly_job_moves_who_the_rules_name_and_only_once(app, head, unit):
    unappraised = archived("张未评", 501)
    credits(unappraised, *range(2016, 2025))
    appraised = archived("李已评", 502)
    credits(appraised, *range(2016, 2025))
    Appraisal.create(
        accountant=appraised, unit=unit, year=2024, grade="qualified", entered_by=head, entered_at=clock.now()
    )
    untrained = archived("王未学", 503, since=date(2019, 5, 1), qualified_on=date(2018, 6, 15))
    Appraisal.create(
        accountant=untrained, unit=unit, year=2024, grade="qualified", entered_by=head, entered_at=clock.now()
    )
    credits(untrained, 2019, 2020, 2024)  # 2021-2023 missed: three in a row
    credits(untrained, 2020, professional="10")  # a second provider's credits add up

    profile = app.extensions["profile"]
    trial = daily_rules.apply_rules(2025, profile, dry_run=True)
    assert {(c.accountant_id, c.rule) for c in trial.changes} == {
        (unappraised.id, "appraisal"),
        (untrained.id, "continuing_education"),
    }
    assert (
        Accountant.get_by_id(unappraised.id).on_duty and Accountant.get_by_id(untrained.id).archive_state == "archived"
    )

    run = daily_rules.apply_rules(2025, profile)
    assert (
        run.changes.where(RuleChange.accountant == untrained).get().why
        == "继续教育未完成年度：2021、2022、2023，转入异动库"
    )
    assert json.loads(run.report) == {"appraisal": 1, "continuing_education": 1}
    moved = Accountant.get_by_id(unappraised.id)
    assert not moved.on_duty
    assert [(p.started_on, p.ended_on, p.on_duty) for p in moved.work_periods.order_by(WorkPeriod.id)] == [
        (date(2015, 3, 1), date(2025, 1, 1), True),
        (date(2025, 1, 1), None, False),
    ]
    assert Accountant.get_by_id(untrained.id).archive_state == "abnormal"
    assert Accountant.get_by_id(appraised.id).on_duty
    assert AuditEntry.select().where(AuditEntry.action == "rules.apply").count() == 2
    assert json.loads(daily_rules.apply_rules(2025, profile).report) == {}  # idempotent


@pytest.mark.parametrize("province", ["jilin"])
def test_a_profile_whose_manual_states_no_yearly_rules_never_runs_them(app, ctx, admin_client):
    person = make_accountant("甲", resident_id("220102", serial=701), "13900000701", Authority.select().first())
    Accountant.update(archive_state="archived", on_duty=True, work_started_on=date(2015, 3, 1)).where(
        Accountant.id == person.id
    ).execute()  # no appraisal, no credits: 002's rules would move them
    with pytest.raises(RuleViolation, match="吉林省未启用年度考评和继续教育规则"):
        daily_rules.apply_rules(2025, app.extensions["profile"])
    result = app.test_cli_runner().invoke(args=["apply-rules", "--year", "2025"])
    assert result.exit_code == 1 and "吉林省未启用年度考评和继续教育规则" in result.output
    assert RuleRun.select().count() == 0 and Accountant.get(Accountant.name == "甲").on_duty
    assert admin_client.get("/console/rules/").status_code == 404
    assert "日常管理规则" not in admin_client.get("/console/").get_data(as_text=True)


def test_the_continuing_education_rule_judges_only_years_the_credit_bank_holds_and_the_person_was_in(app):
    for serial in range(710, 713):
        credits(archived(f"他{serial}", serial), 2019, 2020, 2024)  # the bank holds 2019, 2020 and 2024 only
    old_hand = archived("老会计", 701, since=date(2010, 3, 1))  # nothing held for 2021-2023: not judged
    credits(old_hand, 2019, 2020, 2024)
    newcomer = archived("新入库", 702, since=date(2010, 3, 1))  # collected today: no year before judged
    Accountant.update(archived_at=clock.now()).where(Accountant.id == newcomer.id).execute()
    missed = archived("缺学分", 703, since=date(2010, 3, 1))
    credits(missed, 2024)  # 2019 and 2020 held and missed, 2024 done: two, not enough
    trial = daily_rules.apply_rules(2026, app.extensions["profile"], dry_run=True)
    assert {c.accountant.name for c in trial.changes if c.rule == "continuing_education"} == set()

    credits(archived("又一人", 713), 2021, 2022)  # the bank now holds 2021 and 2022 too
    trial = daily_rules.apply_rules(2026, app.extensions["profile"], dry_run=True)
    moved = {c.accountant.name: c.why for c in trial.changes if c.rule == "continuing_education"}
    assert moved == {"缺学分": "继续教育未完成年度：2019、2020、2021、2022，转入异动库"}


def test_a_confirmed_run_is_refused_whole_when_it_would_move_others_and_a_run_is_undone(app, head, unit):
    profile = app.extensions["profile"]
    unappraised = archived("张未评", 501)
    credits(unappraised, *range(2019, 2025))
    untrained = archived("王未学", 503, since=date(2019, 5, 1), qualified_on=date(2018, 6, 15))
    appraise(untrained, unit, head, 2024)
    credits(untrained, 2019, 2020, 2024)
    preview = daily_rules.apply_rules(2025, profile, dry_run=True)
    expected = json.loads(preview.report)
    assert expected == {"appraisal": 1, "continuing_education": 1}

    late = archived("后入库", 504)  # the archive changed after the preview
    credits(late, *range(2019, 2025))
    with pytest.raises(RuleViolation, match="将变动的人数已不同，请重新试运行"):
        daily_rules.apply_rules(2025, profile, expected=expected)
    assert Accountant.get_by_id(unappraised.id).on_duty and RuleRun.select().where(~RuleRun.dry_run).count() == 0

    appraise(late, unit, head, 2024)
    run = daily_rules.apply_rules(2025, profile, expected=expected)
    assert not Accountant.get_by_id(unappraised.id).on_duty
    assert Accountant.get_by_id(untrained.id).archive_state == "abnormal"

    assert daily_rules.undo(run, None) == (1, 1)
    back = Accountant.get_by_id(unappraised.id)
    assert back.on_duty and Accountant.get_by_id(untrained.id).archive_state == "archived"
    assert [(p.started_on, p.ended_on, p.on_duty) for p in back.work_periods.order_by(WorkPeriod.id)] == [
        (date(2015, 3, 1), None, True)
    ]
    assert AuditEntry.get(AuditEntry.action == "rules.undo").detail == '{"年度": 2025, "恢复在岗": 1, "恢复入库": 1}'
    with pytest.raises(RuleViolation, match="只有已执行且未撤销的规则运行可以撤销"):
        daily_rules.undo(RuleRun.get_by_id(run.id), None)


def test_the_console_previews_confirms_with_the_counts_and_undoes(app, admin_client, head, unit):
    unappraised = archived("张未评", 501)
    credits(unappraised, *range(2019, 2025))
    page = admin_client.get("/console/rules/").get_data(as_text=True)
    assert "试运行" in page and "dry_run" not in page
    token = csrf_token(admin_client, "/console/rules/")
    previewed = admin_client.post(
        "/console/rules/run", data={"csrf_token": token, "year": "2025"}, follow_redirects=True
    )
    assert "日常管理规则试运行" in previewed.get_data(as_text=True)  # the job's page, which links to the report
    preview = RuleRun.get(RuleRun.dry_run)
    assert f"/console/rules/{preview.id}" in previewed.get_data(as_text=True)
    text = admin_client.get(f"/console/rules/{preview.id}").get_data(as_text=True)
    assert "确认执行：1 人转为不在岗，0 人转入异动库" in text and "张未评" in text
    assert Accountant.get_by_id(unappraised.id).on_duty  # a preview changes nobody
    done = admin_client.post(
        f"/console/rules/{preview.id}/apply", data={"csrf_token": token}, follow_redirects=True
    ).get_data(as_text=True)
    assert "日常管理规则执行" in done and "已完成" in done
    run = RuleRun.get(~RuleRun.dry_run)
    assert "撤销本次执行" in admin_client.get(f"/console/rules/{run.id}").get_data(as_text=True)
    assert not Accountant.get_by_id(unappraised.id).on_duty
    again = admin_client.post(f"/console/rules/{preview.id}/apply", data={"csrf_token": token}, follow_redirects=True)
    assert "请对最近一次试运行确认执行" in again.get_data(as_text=True)  # a preview confirms once
    undone = admin_client.post(
        f"/console/rules/{run.id}/undo", data={"csrf_token": token}, follow_redirects=True
    ).get_data(as_text=True)
    assert "已撤销：1 人恢复在岗，0 人恢复入库" in undone and "执行（已撤销）" in admin_client.get(
        "/console/rules/"
    ).get_data(as_text=True)
    assert Accountant.get_by_id(unappraised.id).on_duty


def test_the_command_line_previews_and_asks_before_it_moves_anyone(app, head, unit):
    unappraised = archived("张未评", 501)
    credits(unappraised, *range(2019, 2025))
    declined = app.test_cli_runner().invoke(args=["apply-rules", "--year", "2025"], input="n\n")
    assert "将转为不在岗 1 人" in declined.output and Accountant.get_by_id(unappraised.id).on_duty
    confirmed = app.test_cli_runner().invoke(args=["apply-rules", "--year", "2025"], input="y\n")
    assert "已执行" in confirmed.output and not Accountant.get_by_id(unappraised.id).on_duty


def test_the_moved_and_the_short_are_told_by_sms_in_the_runs_transaction_and_a_preview_tells_nobody(app, head, unit):
    unappraised = archived("张未评", 501)
    credits(unappraised, *range(2016, 2025))
    untrained = archived("王未学", 503, since=date(2019, 5, 1), qualified_on=date(2018, 6, 15))
    appraise(untrained, unit, head, 2024)
    credits(untrained, 2019, 2020, 2024)  # 2021-2023 missed
    short = archived("赵差分", 504)
    appraise(short, unit, head, 2024)
    credits(short, *range(2016, 2024))  # 2024 alone missed: stays, and is told
    profile = app.extensions["profile"]
    daily_rules.apply_rules(2025, profile, dry_run=True)
    assert OutboxMessage.select().count() == 0
    daily_rules.apply_rules(2025, profile)
    told = {m.recipient: (m.body, m.template) for m in OutboxMessage.select()}
    assert told == {
        unappraised.phone: (
            "【内蒙古会计网】您2023、2024年度均无年度考评，按规定已转为不在岗。如有异议，请联系所在单位会计机构负责人。",
            "moved_off_duty",
        ),
        untrained.phone: (messages.sms(profile, "moved_abnormal"), "moved_abnormal"),
        short.phone: (messages.sms(profile, "credits_short", year=2024), "credits_short"),
    }
    assert "2024年度继续教育学分未达到要求" in told[short.phone][0]
