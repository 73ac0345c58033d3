"""会计工作年限 (002 §十二(一)): 在校生利用业余时间勤工助学不视为正式从事会计工作 — the on-duty time before a
person's full-time study ended (their latest approved collection's full-time graduation) counts no year, in the
archive and in the national report alike."""

from datetime import date
from types import SimpleNamespace

from console.archive import national, work_history
from console.infra import clock
from models import Accountant, Collection, Education, WorkPeriod
from tests.helpers import make_account, make_accountant, resident_id, session_for

TODAY = date(2026, 12, 6)


def period(started, ended=None, on_duty=True):
    return SimpleNamespace(started_on=started, ended_on=ended, on_duty=on_duty)


def test_the_time_before_full_time_study_ended_counts_no_year():
    worked = [period(date(2010, 7, 1), date(2014, 7, 1)), period(date(2014, 7, 1), None, on_duty=False)]
    assert work_history.accounting_work_years(worked, TODAY) == 4.0
    assert work_history.accounting_work_years(worked, TODAY, date(2012, 7, 1)) == 2.0  # two years as a student
    assert work_history.accounting_work_years(worked, TODAY, date(2015, 7, 1)) == 0.0  # all of it
    assert work_history.accounting_work_years(worked, TODAY, date.max) == 0.0  # still in school


def archived(serial, graduated_on=None, in_school=False, status="approved", started=date(2010, 7, 1)):
    """Someone on duty since `started` whose collection (`status`) declares that full-time education."""
    person = make_accountant(name=f"履历{serial}", id_number=resident_id(serial=serial), phone=f"135{serial:08d}")
    Accountant.update(archive_state="archived", on_duty=True, archived_at=clock.now()).where(
        Accountant.id == person.id
    ).execute()
    WorkPeriod.create(accountant=person, started_on=started, on_duty=True, source="declared")
    declare(person, graduated_on, in_school, status)
    return person


def declare(person, graduated_on, in_school=False, status="approved"):
    now = clock.now()
    collection = Collection.create(
        accountant=person, authority=person.authority, status=status, created_at=now, updated_at=now
    )
    Education.create(
        collection=collection, mode="full_time", level="本科", graduated_on=graduated_on, in_school=in_school
    )


def test_the_end_of_study_is_the_latest_approved_collections_graduation(ctx):
    graduate = archived(301, date(2012, 7, 1))
    student = archived(302, in_school=True)
    returning = archived(303, date(2008, 7, 1))
    declare(returning, date(2013, 7, 1))  # a 信息变更 approved since
    declare(returning, date(2020, 7, 1), status="draft")  # not approved: not in the archive
    undeclared = archived(304)
    ended = work_history.studies_end([p.id for p in (graduate, student, returning, undeclared)])
    assert ended == {graduate.id: date(2012, 7, 1), student.id: date.max, returning.id: date(2013, 7, 1)}


def test_the_archive_and_the_national_report_count_the_same_years(app, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    with app.test_request_context():
        graduate = archived(311, date(2012, 7, 1))
        other = archived(312)
        years = {person["id_number"]: person["accounting_years"] for person in national.rows()}
    assert years[graduate.id_number] == 14.4  # from 2012-07-01, not 2010-07-01
    assert years[other.id_number] == 16.4
    reviewer = make_account(app, "province_admin", "admin")
    page = session_for(app, reviewer).get(f"/console/accountant/details/?id={graduate.id}").get_data(as_text=True)
    assert "14.4 年" in page and "全日制学习期间勤工助学不计" in page
