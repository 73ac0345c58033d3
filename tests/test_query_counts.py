"""The submission path in statements, counted: a submit POST, the review page and the queue page each stay
within their budget whatever the data."""

import pytest

from console.collection import lifecycle
from console.infra.database import QueryCounter
from models import Authority, db
from tests.factories import applicant, complete, entry_filed, submitted
from tests.helpers import csrf_token, make_account, post_form, session_for

SUBMIT, REVIEW_PAGE, QUEUE_PAGE = 16, 12, 4  # a submission also marks its bureau's home figures changed
# Counted as production runs them: in a transaction of their own, not the test's savepoints.
pytestmark = pytest.mark.committing


def counted(request):
    """The response and the statements it took (their SQL, to say which when a budget is exceeded)."""
    with QueryCounter() as counter:
        response = request()
    return response, counter.sql


@pytest.fixture
def filled(app, scans):
    """An applicant whose draft is complete, signed in on the portal, on the preview page."""
    with app.test_request_context(), db.connection_context():
        account = applicant()
        entry_filed(account.accountant)
        complete(app, lifecycle.open_draft(account.accountant), scans)
    client = session_for(app, account)
    return client, csrf_token(client, "/portal/collection/preview")


@pytest.fixture
def reviewer(app, scans):
    with app.test_request_context(), db.connection_context():
        waiting = [
            submitted(app, scans, name=f"王影{'甲乙丙'[n]}", serial=124 + n, phone=f"1391234567{n}") for n in range(3)
        ]
        authority = Authority.get(Authority.code == "150203")
    return session_for(app, make_account(app, "reviewer", "李审核", authority=authority)), waiting


def test_a_submission_takes_at_most_its_budget(app, filled):
    client, token = filled
    response, statements = counted(
        lambda: client.post("/portal/collection/submit", data={"csrf_token": token, "confirm": "y"})
    )
    assert response.status_code == 302 and response.headers["Location"] == "/portal/"
    assert len(statements) <= SUBMIT, statements


def test_the_review_page_and_the_queue_take_at_most_theirs(app, reviewer):
    client, waiting = reviewer
    page, statements = counted(lambda: client.get(f"/console/review/{waiting[1].id}"))
    assert page.status_code == 200 and "尚未领取" in page.get_data(as_text=True)
    assert len(statements) <= REVIEW_PAGE, statements
    post_form(client, f"/console/review/{waiting[1].id}/claim", {}, f"/console/review/{waiting[1].id}")
    again, statements = counted(lambda: client.get(f"/console/review/{waiting[1].id}"))  # the claim is held now
    assert again.status_code == 200 and "您已领取" in again.get_data(as_text=True)
    assert len(statements) <= REVIEW_PAGE, statements
    client.get("/console/review/")  # the filters' dictionary choices are kept for a minute after the first
    queue, statements = counted(lambda: client.get("/console/review/"))
    assert queue.status_code == 200 and "王影丙" in queue.get_data(as_text=True)
    assert len(statements) <= QUEUE_PAGE, statements
