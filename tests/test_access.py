"""Every route of the app × every role (and anonymous) × the expected status.

test_every_route_is_in_the_table fails when a route is added without a row here."""

import pytest
from peewee import fn

from console.collection import attachments
from console.content import files, samples
from console.infra import clock
from console.infra.dictionaries import load_dictionaries, load_reason_templates
from models import (
    Account,
    Accountant,
    Authority,
    Collection,
    CreditRecord,
    DictionaryEntry,
    Filing,
    Job,
    PersonalSection,
    ReasonTemplate,
    RuleRun,
    Unit,
    UnitChange,
)
from tests.factories import content, entry_filed, unit_code
from tests.helpers import make_account, make_accountant, resident_id, session_for
from tests.images import noisy_jpeg
from tests.test_notices import pdf

ROLES = ("anonymous", "accountant", "reviewer", "unit_head", "province_admin", "auditor")


def row(*codes):
    return dict(zip(ROLES, codes))


OPEN = row(200, 200, 200, 200, 200, 200)
REDIRECT = row(302, 302, 302, 302, 302, 302)
STAFF = row(302, 403, 200, 200, 200, 200)
ACCOUNTANT_ONLY = row(302, 200, 403, 403, 403, 403)
TREE_READ = row(302, 403, 200, 403, 200, 403)
TREE_WRITE = row(302, 403, 403, 403, 200, 403)
TREE_WRITE_DONE = row(302, 403, 403, 403, 302, 403)
ADMIN_ONLY = row(302, 403, 403, 403, 200, 403)
ADMIN_DONE = row(302, 403, 403, 403, 302, 403)
AUDIT_READ = row(302, 403, 403, 403, 403, 200)
NEVER = row(302, 403, 403, 403, 403, 403)
REVIEW_READ = row(302, 403, 200, 403, 200, 403)
REVIEW_READ_DONE = row(302, 403, 302, 403, 302, 403)
REVIEW_WRITE = row(302, 403, 302, 403, 403, 403)
READ_TEMPLATES = row(302, 403, 200, 403, 200, 403)
HEAD_ONLY = row(302, 403, 403, 200, 403, 403)
HEAD_REFUSED_INPUT = row(302, 403, 403, 422, 403, 403)
HEAD_OR_REVIEWER = row(302, 403, 200, 200, 403, 403)
UNIT_WRITE = row(302, 403, 200, 403, 200, 403)
UNIT_WRITE_DONE = row(302, 403, 302, 403, 302, 403)
REVIEW_REFUSED_INPUT = row(302, 403, 422, 403, 403, 403)  # the managing bureau, refused for what it sent
STARTER = row(302, 403, 200, 404, 200, 404)  # a job: who started it (the reviewer) and the province admin

# (method, rule, url with {ids}, form data, expected)
ROUTES = [
    ("GET", "/", "/", None, OPEN),
    ("GET", "/directory", "/directory", None, OPEN),
    ("GET", "/captcha.png", "/captcha.png", None, OPEN),
    ("GET", "/healthz", "/healthz", None, OPEN),
    ("GET", "/readyz", "/readyz", None, OPEN),
    ("GET", "/metrics", "/metrics", None, OPEN),  # the test client asks from 127.0.0.1
    ("GET", "/static/<path:filename>", "/static/site.css", None, OPEN),
    ("GET", "/console/static/<path:filename>", "/console/static/admin/css/bootstrap4/admin.css", None, OPEN),
    ("GET", "/portal/register", "/portal/register", None, OPEN),
    ("POST", "/portal/register", "/portal/register", {}, OPEN),
    ("GET", "/portal/login", "/portal/login", None, OPEN),
    ("POST", "/portal/login", "/portal/login", {}, OPEN),
    ("GET", "/portal/login/first", "/portal/login/first", None, REDIRECT),  # without a first sign-in begun
    ("POST", "/portal/login/first", "/portal/login/first", {}, REDIRECT),
    ("GET", "/portal/reset", "/portal/reset", None, OPEN),
    ("POST", "/portal/reset", "/portal/reset", {}, OPEN),
    ("POST", "/portal/logout", "/portal/logout", {}, REDIRECT),
    ("GET", "/portal/", "/portal/", None, ACCOUNTANT_ONLY),
    ("GET", "/portal/collection/", "/portal/collection/", None, row(302, 302, 403, 403, 403, 403)),
    ("GET", "/portal/collection/<key>", "/portal/collection/personal", None, ACCOUNTANT_ONLY),
    ("POST", "/portal/collection/<key>", "/portal/collection/personal", {}, ACCOUNTANT_ONLY),
    (
        "POST",
        "/portal/collection/attachments/<slot>",
        "/portal/collection/attachments/photo",
        {},
        row(302, 302, 403, 403, 403, 403),
    ),
    (
        "POST",
        "/portal/collection/attachments/photo/fit",
        "/portal/collection/attachments/photo/fit",
        {},
        row(302, 302, 403, 403, 403, 403),
    ),
    (
        "POST",
        "/portal/collection/attachments/photo/keep",
        "/portal/collection/attachments/photo/keep",
        {},
        row(302, 302, 403, 403, 403, 403),
    ),
    (
        "POST",
        "/portal/collection/attachments/<slot>/delete",
        "/portal/collection/attachments/photo/delete",
        {},
        row(302, 302, 403, 403, 403, 403),
    ),
    ("POST", "/portal/collection/change", "/portal/collection/change", {}, row(302, 302, 403, 403, 403, 403)),
    ("POST", "/portal/collection/submit", "/portal/collection/submit", {}, row(302, 302, 403, 403, 403, 403)),
    ("POST", "/portal/collection/withdraw", "/portal/collection/withdraw", {}, row(302, 302, 403, 403, 403, 403)),
    ("GET", "/portal/collection/letter", "/portal/collection/letter", None, row(302, 302, 403, 403, 403, 403)),
    ("GET", "/files/<int:attachment_id>", "/files/{scan}", None, row(302, 404, 200, 404, 200, 404)),
    ("GET", "/files/<int:attachment_id>/thumbnail", "/files/{scan}/thumbnail", None, row(302, 404, 200, 404, 200, 404)),
    ("GET", "/console/login", "/console/login", None, OPEN),
    ("POST", "/console/login", "/console/login", {}, OPEN),
    ("POST", "/console/logout", "/console/logout", {}, REDIRECT),
    ("GET", "/console/password", "/console/password", None, row(302, 200, 200, 200, 200, 200)),
    ("POST", "/console/password", "/console/password", {}, row(302, 200, 200, 200, 200, 200)),
    ("GET", "/console/", "/console/", None, STAFF),
    ("GET", "/console/authority/", "/console/authority/", None, TREE_READ),
    ("GET", "/console/authority/details/", "/console/authority/details/?id={county}", None, TREE_READ),
    ("GET", "/console/authority/new/", "/console/authority/new/", None, TREE_WRITE),
    ("POST", "/console/authority/new/", "/console/authority/new/", {}, TREE_WRITE),
    ("GET", "/console/authority/edit/", "/console/authority/edit/?id={county}", None, TREE_WRITE),
    ("POST", "/console/authority/edit/", "/console/authority/edit/?id={county}", {}, TREE_WRITE_DONE),
    ("GET", "/console/authority/merge/", "/console/authority/merge/?id={county}", None, TREE_WRITE),
    ("POST", "/console/authority/merge/", "/console/authority/merge/?id={county}", {}, TREE_WRITE),
    ("POST", "/console/authority/deactivate/", "/console/authority/deactivate/?id={county}", {}, TREE_WRITE_DONE),
    ("POST", "/console/authority/delete/", "/console/authority/delete/", {"id": "{county}"}, NEVER),
    (
        "POST",
        "/console/authority/action/",
        "/console/authority/action/",
        {"action": "delete", "rowid": "{county}"},
        NEVER,
    ),
    ("GET", "/console/authority/export/<export_type>/", "/console/authority/export/csv/", None, NEVER),
    ("GET", "/console/authority/ajax/lookup/", "/console/authority/ajax/lookup/?name=parent&query=a", None, NEVER),
    ("POST", "/console/authority/ajax/update/", "/console/authority/ajax/update/", {"list_form_pk": "{county}"}, NEVER),
    ("GET", "/console/account/", "/console/account/", None, ADMIN_ONLY),
    ("GET", "/console/account/details/", "/console/account/details/?id={staff}", None, ADMIN_ONLY),
    ("GET", "/console/account/new/", "/console/account/new/", None, ADMIN_ONLY),
    ("POST", "/console/account/new/", "/console/account/new/", {}, ADMIN_ONLY),
    ("GET", "/console/account/edit/", "/console/account/edit/?id={staff}", None, ADMIN_ONLY),
    ("POST", "/console/account/edit/", "/console/account/edit/?id={staff}", {}, ADMIN_ONLY),
    (
        "POST",
        "/console/account/action/",
        "/console/account/action/",
        {"action": "unlock", "rowid": "{staff}"},
        ADMIN_DONE,
    ),
    ("POST", "/console/account/delete/", "/console/account/delete/", {"id": "{staff}"}, NEVER),
    ("GET", "/console/account/export/<export_type>/", "/console/account/export/csv/", None, NEVER),
    ("GET", "/console/account/ajax/lookup/", "/console/account/ajax/lookup/?name=unit&query=91", None, ADMIN_ONLY),
    ("POST", "/console/account/ajax/update/", "/console/account/ajax/update/", {"list_form_pk": "{staff}"}, NEVER),
    ("GET", "/console/dictionary/", "/console/dictionary/", None, ADMIN_ONLY),
    ("GET", "/console/dictionary/details/", "/console/dictionary/details/?id=1", None, NEVER),
    ("GET", "/console/dictionary/new/", "/console/dictionary/new/", None, ADMIN_ONLY),
    ("POST", "/console/dictionary/new/", "/console/dictionary/new/", {}, ADMIN_ONLY),
    ("GET", "/console/dictionary/edit/", "/console/dictionary/edit/?id={dictionary}", None, ADMIN_ONLY),
    ("POST", "/console/dictionary/edit/", "/console/dictionary/edit/?id={dictionary}", {}, ADMIN_DONE),
    ("POST", "/console/dictionary/action/", "/console/dictionary/action/", {"action": "delete", "rowid": "1"}, NEVER),
    ("POST", "/console/dictionary/delete/", "/console/dictionary/delete/", {"id": "1"}, NEVER),
    ("GET", "/console/dictionary/export/<export_type>/", "/console/dictionary/export/csv/", None, NEVER),
    ("GET", "/console/dictionary/ajax/lookup/", "/console/dictionary/ajax/lookup/?name=x&query=a", None, NEVER),
    ("POST", "/console/dictionary/ajax/update/", "/console/dictionary/ajax/update/", {"list_form_pk": "1"}, NEVER),
    ("GET", "/console/review/", "/console/review/", None, REVIEW_READ),
    ("GET", "/console/review/export.<kind>", "/console/review/export.csv", None, REVIEW_READ),
    ("POST", "/console/review/export.<kind>", "/console/review/export.csv", {}, REVIEW_READ),
    ("POST", "/console/review/bulk-approve", "/console/review/bulk-approve", {"ids": "{collection}"}, REVIEW_WRITE),
    ("GET", "/console/review/<int:collection_id>", "/console/review/{collection}", None, REVIEW_READ),
    ("POST", "/console/review/filters", "/console/review/filters?state=returned", {"name": "退回的"}, REVIEW_READ_DONE),
    (
        "POST",
        "/console/review/filters/<int:filter_id>/delete",
        "/console/review/filters/999999/delete",
        {},
        row(302, 403, 404, 403, 404, 403),
    ),
    ("POST", "/console/review/<int:collection_id>/next", "/console/review/{collection}/next", {}, REVIEW_READ_DONE),
    ("POST", "/console/review/<int:collection_id>/claim", "/console/review/{collection}/claim", {}, REVIEW_WRITE),
    ("POST", "/console/review/<int:collection_id>/release", "/console/review/{collection}/release", {}, REVIEW_WRITE),
    ("POST", "/console/review/<int:collection_id>/approve", "/console/review/{collection}/approve", {}, REVIEW_WRITE),
    ("POST", "/console/review/<int:collection_id>/undo", "/console/review/{collection}/undo", {}, REVIEW_WRITE),
    (
        "POST",
        "/console/review/<int:collection_id>/return",
        "/console/review/{collection}/return",
        {},
        row(302, 403, 422, 403, 403, 403),
    ),
    ("GET", "/console/reason_template/", "/console/reason_template/", None, READ_TEMPLATES),
    ("GET", "/console/reason_template/details/", "/console/reason_template/details/?id=1", None, NEVER),
    ("GET", "/console/reason_template/new/", "/console/reason_template/new/", None, ADMIN_ONLY),
    ("POST", "/console/reason_template/new/", "/console/reason_template/new/", {}, ADMIN_ONLY),
    ("GET", "/console/reason_template/edit/", "/console/reason_template/edit/?id={reason_template}", None, ADMIN_ONLY),
    ("POST", "/console/reason_template/edit/", "/console/reason_template/edit/?id={reason_template}", {}, ADMIN_DONE),
    ("POST", "/console/reason_template/delete/", "/console/reason_template/delete/", {"id": "1"}, NEVER),
    (
        "POST",
        "/console/reason_template/action/",
        "/console/reason_template/action/",
        {"action": "delete", "rowid": "1"},
        NEVER,
    ),
    ("GET", "/console/reason_template/export/<export_type>/", "/console/reason_template/export/csv/", None, NEVER),
    (
        "GET",
        "/console/reason_template/ajax/lookup/",
        "/console/reason_template/ajax/lookup/?name=x&query=a",
        None,
        NEVER,
    ),
    (
        "POST",
        "/console/reason_template/ajax/update/",
        "/console/reason_template/ajax/update/",
        {"list_form_pk": "1"},
        NEVER,
    ),
    ("GET", "/portal/head", "/portal/head", None, ACCOUNTANT_ONLY),
    ("GET", "/portal/student", "/portal/student", None, ACCOUNTANT_ONLY),
    ("GET", "/portal/entry/", "/portal/entry/", None, ACCOUNTANT_ONLY),
    ("POST", "/portal/entry/qualification", "/portal/entry/qualification", {}, row(302, 422, 403, 403, 403, 403)),
    ("POST", "/portal/entry/appointment", "/portal/entry/appointment", {}, row(302, 422, 403, 403, 403, 403)),
    (
        "GET",
        "/portal/entry/<int:filing_id>/letter",
        "/portal/entry/{filing}/letter",
        None,
        row(302, 404, 403, 403, 403, 403),
    ),
    (
        "POST",
        "/portal/entry/<int:filing_id>/letter",
        "/portal/entry/{filing}/letter",
        {},
        row(302, 404, 403, 403, 403, 403),
    ),
    ("POST", "/portal/student", "/portal/student", {}, ACCOUNTANT_ONLY),
    ("POST", "/portal/head", "/portal/head", {}, ACCOUNTANT_ONLY),
    ("GET", "/console/filing/", "/console/filing/", None, REVIEW_READ),
    ("GET", "/console/filing/<int:filing_id>", "/console/filing/{filing}", None, REVIEW_READ),
    ("POST", "/console/filing/<int:filing_id>/approve", "/console/filing/{filing}/approve", {}, REVIEW_WRITE),
    (
        "POST",
        "/console/filing/<int:filing_id>/return",
        "/console/filing/{filing}/return",
        {},
        row(302, 403, 422, 403, 403, 403),
    ),
    ("GET", "/console/accountant/", "/console/accountant/", None, REVIEW_READ),
    ("GET", "/console/accountant/details/", "/console/accountant/details/?id={person}", None, REVIEW_READ),
    ("POST", "/console/accountant/restore/", "/console/accountant/restore/?id={person}", {}, REVIEW_WRITE),
    (
        "GET",
        "/console/accountant/correct/",
        "/console/accountant/correct/?id={person}",
        None,
        row(302, 403, 200, 403, 403, 403),
    ),
    (
        "POST",
        "/console/accountant/correct/",
        "/console/accountant/correct/?id={person}",
        {},
        row(302, 403, 200, 403, 403, 403),
    ),
    ("GET", "/console/accountant/new/", "/console/accountant/new/", None, NEVER),
    ("POST", "/console/accountant/new/", "/console/accountant/new/", {}, NEVER),
    ("GET", "/console/accountant/edit/", "/console/accountant/edit/?id={person}", None, NEVER),
    ("POST", "/console/accountant/edit/", "/console/accountant/edit/?id={person}", {}, NEVER),
    ("POST", "/console/accountant/delete/", "/console/accountant/delete/", {"id": "{person}"}, NEVER),
    (
        "POST",
        "/console/accountant/action/",
        "/console/accountant/action/",
        {"action": "delete", "rowid": "{person}"},
        NEVER,
    ),
    ("GET", "/console/accountant/export/<export_type>/", "/console/accountant/export/csv/", None, NEVER),
    ("GET", "/console/accountant/ajax/lookup/", "/console/accountant/ajax/lookup/?name=unit&query=a", None, NEVER),
    (
        "POST",
        "/console/accountant/ajax/update/",
        "/console/accountant/ajax/update/",
        {"list_form_pk": "{person}"},
        NEVER,
    ),
    ("GET", "/console/unit/", "/console/unit/", None, REVIEW_READ),
    ("GET", "/console/unit/details/", "/console/unit/details/?id={unit}", None, REVIEW_READ),
    ("GET", "/console/unit/edit/", "/console/unit/edit/?id={unit}", None, UNIT_WRITE),
    ("POST", "/console/unit/edit/", "/console/unit/edit/?id={unit}", {}, UNIT_WRITE_DONE),
    ("GET", "/console/unit/merge/", "/console/unit/merge/?id={unit}", None, UNIT_WRITE),
    ("POST", "/console/unit/merge/", "/console/unit/merge/?id={unit}", {}, UNIT_WRITE),
    ("POST", "/console/unit/close/", "/console/unit/close/?id={unit}", {}, UNIT_WRITE_DONE),
    ("POST", "/console/unit/change/", "/console/unit/change/?id={change}", {"decision": "return"}, UNIT_WRITE_DONE),
    ("POST", "/console/unit/assign/", "/console/unit/assign/?id={unit}", {}, UNIT_WRITE_DONE),
    ("GET", "/console/unit/new/", "/console/unit/new/", None, NEVER),
    ("POST", "/console/unit/new/", "/console/unit/new/", {}, NEVER),
    ("POST", "/console/unit/delete/", "/console/unit/delete/", {"id": "{unit}"}, NEVER),
    ("POST", "/console/unit/action/", "/console/unit/action/", {"action": "delete", "rowid": "{unit}"}, NEVER),
    ("GET", "/console/unit/export/<export_type>/", "/console/unit/export/csv/", None, NEVER),
    ("GET", "/console/unit/ajax/lookup/", "/console/unit/ajax/lookup/?name=x&query=a", None, NEVER),
    ("POST", "/console/unit/ajax/update/", "/console/unit/ajax/update/", {"list_form_pk": "{unit}"}, NEVER),
    ("GET", "/console/unit_people/", "/console/unit_people/", None, HEAD_ONLY),
    (
        "GET",
        "/console/unit_people/<int:accountant_id>/departure",
        "/console/unit_people/{person}/departure",
        None,
        HEAD_ONLY,
    ),
    (
        "POST",
        "/console/unit_people/<int:accountant_id>/departure",
        "/console/unit_people/{person}/departure",
        {},
        HEAD_REFUSED_INPUT,
    ),
    ("GET", "/console/my_unit/", "/console/my_unit/", None, HEAD_ONLY),
    ("POST", "/console/my_unit/contact", "/console/my_unit/contact", {}, HEAD_REFUSED_INPUT),
    ("POST", "/console/my_unit/change", "/console/my_unit/change", {}, HEAD_REFUSED_INPUT),
    ("GET", "/console/appraisal/", "/console/appraisal/", None, HEAD_OR_REVIEWER),
    ("POST", "/console/appraisal/save", "/console/appraisal/save?year=2025", {}, HEAD_REFUSED_INPUT),
    ("POST", "/console/appraisal/close", "/console/appraisal/close?year=2025", {}, REVIEW_WRITE),
    ("GET", "/console/credit_record/", "/console/credit_record/", None, HEAD_OR_REVIEWER),
    ("POST", "/console/credit_record/", "/console/credit_record/", {}, HEAD_REFUSED_INPUT),
    (
        "POST",
        "/console/credit_record/<int:record_id>/decide",
        "/console/credit_record/{record}/decide",
        {"decision": "confirm"},
        REVIEW_WRITE,
    ),
    ("GET", "/console/education_credit/", "/console/education_credit/", None, ADMIN_ONLY),
    ("POST", "/console/education_credit/", "/console/education_credit/", {}, row(302, 403, 403, 403, 422, 403)),
    ("GET", "/console/legacy_import/", "/console/legacy_import/", None, ADMIN_ONLY),
    ("POST", "/console/legacy_import/", "/console/legacy_import/", {}, row(302, 403, 403, 403, 422, 403)),
    ("GET", "/console/rules/", "/console/rules/", None, ADMIN_ONLY),
    ("POST", "/console/rules/run", "/console/rules/run", {}, row(302, 403, 403, 403, 422, 403)),
    ("GET", "/console/rules/<int:run_id>", "/console/rules/{run}", None, ADMIN_ONLY),
    ("POST", "/console/rules/<int:run_id>/apply", "/console/rules/{run}/apply", {}, ADMIN_DONE),
    ("POST", "/console/rules/<int:run_id>/undo", "/console/rules/{run}/undo", {}, ADMIN_DONE),
    ("GET", "/console/jobs/", "/console/jobs/", None, STAFF),
    ("GET", "/console/jobs/<int:job_id>", "/console/jobs/{job}", None, STARTER),
    ("GET", "/console/jobs/<int:job_id>.json", "/console/jobs/{job}.json", None, STARTER),
    ("GET", "/console/jobs/<int:job_id>/file", "/console/jobs/{job}/file", None, row(302, 403, 404, 404, 404, 404)),
    ("POST", "/console/jobs/<int:job_id>/rerun", "/console/jobs/{job}/rerun", {}, row(302, 403, 302, 404, 302, 404)),
    ("GET", "/console/outbox/", "/console/outbox/", None, ADMIN_ONLY),
    ("GET", "/console/outbox/details/", "/console/outbox/details/?id=1", None, NEVER),
    ("GET", "/console/outbox/new/", "/console/outbox/new/", None, NEVER),
    ("POST", "/console/outbox/new/", "/console/outbox/new/", {}, NEVER),
    ("GET", "/console/outbox/edit/", "/console/outbox/edit/?id=1", None, NEVER),
    ("POST", "/console/outbox/edit/", "/console/outbox/edit/?id=1", {}, NEVER),
    ("POST", "/console/outbox/delete/", "/console/outbox/delete/", {"id": "1"}, NEVER),
    ("POST", "/console/outbox/action/", "/console/outbox/action/", {"action": "resend", "rowid": "1"}, ADMIN_DONE),
    ("GET", "/console/outbox/export/<export_type>/", "/console/outbox/export/csv/", None, NEVER),
    ("GET", "/console/outbox/ajax/lookup/", "/console/outbox/ajax/lookup/?name=x&query=a", None, NEVER),
    ("POST", "/console/outbox/ajax/update/", "/console/outbox/ajax/update/", {"list_form_pk": "1"}, NEVER),
    ("GET", "/console/audit/", "/console/audit/", None, AUDIT_READ),
    ("GET", "/console/audit/details/", "/console/audit/details/?id=1", None, NEVER),
    ("GET", "/console/audit/new/", "/console/audit/new/", None, NEVER),
    ("POST", "/console/audit/new/", "/console/audit/new/", {}, NEVER),
    ("GET", "/console/audit/edit/", "/console/audit/edit/?id=1", None, NEVER),
    ("POST", "/console/audit/edit/", "/console/audit/edit/?id=1", {}, NEVER),
    ("POST", "/console/audit/delete/", "/console/audit/delete/", {"id": "1"}, NEVER),
    ("POST", "/console/audit/action/", "/console/audit/action/", {"action": "delete", "rowid": "1"}, NEVER),
    ("GET", "/console/audit/export/<export_type>/", "/console/audit/export/csv/", None, NEVER),
    ("GET", "/console/audit/ajax/lookup/", "/console/audit/ajax/lookup/?name=actor&query=a", None, NEVER),
    ("POST", "/console/audit/ajax/update/", "/console/audit/ajax/update/", {"list_form_pk": "1"}, NEVER),
    ("GET", "/notices/", "/notices/", None, OPEN),
    ("GET", "/notices/<int:content_id>", "/notices/{notice}", None, OPEN),
    ("GET", "/notices/files/<int:file_id>", "/notices/files/{notice_file}", None, OPEN),
    ("GET", "/guides/", "/guides/", None, OPEN),
    ("GET", "/guides/<int:content_id>", "/guides/{guide}", None, OPEN),
    ("GET", "/faq", "/faq", None, OPEN),
    ("GET", "/templates/", "/templates/", None, OPEN),
    ("GET", "/templates/<key>.pdf", "/templates/head_letter.pdf", None, OPEN),
    ("GET", "/portal/templates/<key>.pdf", "/portal/templates/head_letter.pdf", None, ACCOUNTANT_ONLY),
    ("GET", "/console/notice/", "/console/notice/", None, ADMIN_ONLY),
    ("GET", "/console/national/", "/console/national/", None, ADMIN_ONLY),
    ("POST", "/console/national/", "/console/national/", {}, ADMIN_DONE),  # CSV of everyone, by the form's default
    ("GET", "/console/notice/details/", "/console/notice/details/?id={notice}", None, ADMIN_ONLY),
    ("GET", "/console/notice/new/", "/console/notice/new/", None, ADMIN_ONLY),
    ("POST", "/console/notice/new/", "/console/notice/new/", {}, ADMIN_ONLY),
    ("GET", "/console/notice/edit/", "/console/notice/edit/?id={notice}", None, ADMIN_ONLY),
    ("POST", "/console/notice/edit/", "/console/notice/edit/?id={notice}", {}, ADMIN_DONE),
    ("POST", "/console/notice/publish/", "/console/notice/publish/?id={notice}", {}, ADMIN_DONE),
    ("POST", "/console/notice/withdraw/", "/console/notice/withdraw/?id={notice}", {}, ADMIN_DONE),
    ("GET", "/console/notice/files/", "/console/notice/files/?id={notice}", None, ADMIN_ONLY),
    ("POST", "/console/notice/files/", "/console/notice/files/?id={notice}", {}, row(302, 403, 403, 403, 422, 403)),
    ("POST", "/console/notice/files/remove/", "/console/notice/files/remove/?id={notice_file}", {}, ADMIN_DONE),
    ("POST", "/console/notice/delete/", "/console/notice/delete/", {"id": "{notice}"}, NEVER),
    ("POST", "/console/notice/action/", "/console/notice/action/", {"action": "delete", "rowid": "{notice}"}, NEVER),
    ("GET", "/console/notice/export/<export_type>/", "/console/notice/export/csv/", None, NEVER),
    ("GET", "/console/notice/ajax/lookup/", "/console/notice/ajax/lookup/?name=authority&query=a", None, NEVER),
    ("POST", "/console/notice/ajax/update/", "/console/notice/ajax/update/", {"list_form_pk": "{notice}"}, NEVER),
    ("GET", "/console/authority/contacts/", "/console/authority/contacts/", None, TREE_WRITE),
    ("POST", "/console/authority/contacts/", "/console/authority/contacts/", {}, row(302, 403, 403, 403, 422, 403)),
    ("GET", "/console/account/import/", "/console/account/import/", None, ADMIN_ONLY),
    ("POST", "/console/account/import/", "/console/account/import/", {}, row(302, 403, 403, 403, 422, 403)),
    ("GET", "/console/settings/", "/console/settings/", None, ADMIN_ONLY),
    ("GET", "/console/statistics/", "/console/statistics/", None, TREE_READ),
    ("GET", "/console/statistics/xlsx", "/console/statistics/xlsx", None, TREE_READ),
    ("GET", "/portal/credit/", "/portal/credit/", None, ACCOUNTANT_ONLY),
    ("POST", "/portal/credit/", "/portal/credit/", {}, row(302, 422, 403, 403, 403, 403)),  # not in the archive
    ("POST", "/console/accountant/depart/", "/console/accountant/depart/?id={person}", {}, REVIEW_REFUSED_INPUT),
    (
        "POST",
        "/console/accountant/depart/undo/",
        "/console/accountant/depart/undo/?id={person}",
        {},
        REVIEW_REFUSED_INPUT,
    ),
    ("POST", "/console/accountant/credit/", "/console/accountant/credit/?id={person}", {}, REVIEW_REFUSED_INPUT),
    ("POST", "/console/accountant/education/", "/console/accountant/education/?id={person}", {}, REVIEW_REFUSED_INPUT),
    ("POST", "/console/settings/", "/console/settings/", {}, row(302, 403, 403, 403, 422, 403)),
    (
        "POST",
        "/console/settings/revert/<int:version_id>",
        "/console/settings/revert/999999",
        {},
        row(302, 403, 403, 403, 404, 403),
    ),
    ("GET", "/portal/transfer/", "/portal/transfer/", None, ACCOUNTANT_ONLY),
    ("POST", "/portal/transfer/", "/portal/transfer/", {}, row(302, 422, 403, 403, 403, 403)),  # not archived
    ("GET", "/console/transfer/", "/console/transfer/", None, REVIEW_READ),
    ("GET", "/console/transfer/<int:transfer_id>", "/console/transfer/999999", None, row(302, 403, 404, 403, 404, 403)),
    (
        "POST",
        "/console/transfer/<int:transfer_id>/approve",
        "/console/transfer/999999/approve",
        {},
        row(302, 403, 404, 403, 403, 403),
    ),
    (
        "POST",
        "/console/transfer/<int:transfer_id>/return",
        "/console/transfer/999999/return",
        {},
        row(302, 403, 404, 403, 403, 403),
    ),
    (
        "GET",
        "/console/transfer/<int:transfer_id>/package",
        "/console/transfer/999999/package",
        None,
        row(302, 403, 404, 403, 404, 403),
    ),
    ("GET", "/console/transfer/import", "/console/transfer/import", None, REVIEW_READ),
    ("POST", "/console/transfer/import", "/console/transfer/import", {}, row(302, 403, 422, 403, 422, 403)),
    ("GET", "/console/duplicates/", "/console/duplicates/", None, ADMIN_ONLY),
    ("POST", "/console/duplicates/", "/console/duplicates/", {}, row(302, 403, 403, 403, 422, 403)),
    ("GET", "/console/samples/", "/console/samples/", None, ADMIN_ONLY),
    ("POST", "/console/samples/<slot>", "/console/samples/id_front", {}, row(302, 403, 403, 403, 422, 403)),
    ("POST", "/console/samples/<slot>/remove", "/console/samples/{sample}/remove", {}, ADMIN_DONE),
    ("GET", "/samples/<slot>", "/samples/{sample}", None, OPEN),
    ("GET", "/samples/<slot>/thumbnail", "/samples/{sample}/thumbnail", None, OPEN),
]


def submitted_to(authority):
    """A collection waiting in authority's queue, of somebody outside the table."""
    person = make_accountant(id_number=resident_id(serial=778), phone="13700000778", authority=authority)
    now = clock.now()
    collection = Collection.create(
        accountant=person,
        authority=authority,
        status="submitted",
        revision=1,
        submitted_at=now,
        created_at=now,
        updated_at=now,
    )
    PersonalSection.create(
        collection=collection, name=person.name, id_type="resident", id_number=person.id_number, phone=person.phone
    )
    return collection.id


def id_scan_of(app, authority):
    """An ID scan of a submitted collection routed to authority, owned by nobody of the table (404 to
    accountants)."""
    person = make_accountant(id_number=resident_id(serial=777), phone="13700000777", authority=authority)
    now = clock.now()
    collection = Collection.create(
        accountant=person, authority=authority, status="submitted", created_at=now, updated_at=now
    )
    return attachments.attach(collection, "id_front", noisy_jpeg(900, 650, 65, 145), app.extensions["profile"], None).id


def unit_world(accounts):
    """A unit of the reviewer's bureau headed by the table's unit_head, with one of its people on duty,
    a pending head filing, credit record and name change, and a dry run of the rules."""
    authority = accounts["reviewer"].authority
    now = clock.now()
    unit = Unit.create(
        uscc=unit_code("150105", 9),
        name="表内单位",
        region_code="150105",
        authority=authority,
        address="某路 1 号",
        created_at=now,
    )
    Account.update(unit=unit).where(Account.id == accounts["unit_head"].id).execute()
    person = make_accountant(id_number=resident_id(serial=779), phone="13700000779", authority=authority)
    Accountant.update(unit=unit, on_duty=True, archive_state="archived").where(Accountant.id == person.id).execute()
    other = Unit.create(
        uscc=unit_code("150105", 8), name="另一单位", region_code="150105", authority=authority, created_at=now
    )  # confirming a head there leaves the table's unit_head in office
    filing = Filing.create(
        kind="unit_head",
        authority=authority,
        accountant=person,
        unit=other,
        id_number=person.id_number,
        name=person.name,
        submitted_at=now,
    )
    record = CreditRecord.create(
        accountant=person,
        kind="trust",
        source="unit",
        occurred_on=now.date(),
        description="按时报送",
        entered_by=accounts["unit_head"],
        entered_at=now,
    )
    change = UnitChange.create(
        unit=unit,
        name="表内单位（更名）",
        uscc=unit.uscc,
        region_code="150105",
        requested_by=accounts["unit_head"],
        requested_at=now,
    )
    run = RuleRun.create(year=2026, dry_run=True, started_at=now, report="{}")
    job = Job.create(
        kind="review_export",
        params='{"kind": "csv", "args": {}, "filename": "审核列表.csv"}',
        started_by=accounts["reviewer"],
        created_at=now,
        state="failed",
        error="任务出错",
    )
    return {
        "job": job.id,
        "unit": unit.id,
        "person": person.id,
        "filing": filing.id,
        "record": record.id,
        "change": change.id,
        "run": run.id,
    }


def published_content():
    """A province-wide notice with a PDF and a guide, both published."""
    province = Authority.get(Authority.level == "province")
    notice = content(province)
    return {
        "notice": notice.id,
        "notice_file": files.attach(notice, "通知.pdf", pdf(), None).id,
        "guide": content(province, "操作指南", kind="guide").id,
    }


@pytest.fixture
def app_overrides():
    return {"WTF_CSRF_ENABLED": False}  # CSRF has its own tests; here only who may do what


def test_every_route_is_in_the_table(app):
    listed = {(method, rule) for method, rule, *_ in ROUTES}
    served = {(method, rule.rule) for rule in app.url_map.iter_rules() for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert served - listed == set(), "routes with no row in the access table"
    assert listed - served == set(), "rows for routes the app no longer has"


@pytest.mark.parametrize("method, rule, url, data, expected", ROUTES, ids=[f"{m} {u}" for m, _, u, _, _ in ROUTES])
def test_route_answers_each_role_as_expected(app, method, rule, url, data, expected):
    with app.app_context():
        ids = {"county": Authority.select().where(Authority.level == "county").order_by(Authority.code).first().id}
        if "/dictionary/" in url:
            load_dictionaries()
            ids["dictionary"] = DictionaryEntry.select(fn.MIN(DictionaryEntry.id)).scalar()
        if "/reason_template/" in url:
            load_reason_templates()
            ids["reason_template"] = ReasonTemplate.select(fn.MIN(ReasonTemplate.id)).scalar()
    accounts = {role: make_account(app, role, f"user-{role}") for role in ROLES if role != "anonymous"}
    if "{scan}" in url:
        with app.test_request_context():
            ids["scan"] = id_scan_of(app, accounts["reviewer"].authority)
    if "{collection}" in url or "{collection}" in str(data):
        with app.app_context():
            ids["collection"] = submitted_to(accounts["reviewer"].authority)
    ids["staff"] = accounts["auditor"].id
    if "{notice" in url or "{guide}" in url or "{notice" in str(data):
        with app.test_request_context():
            ids.update(published_content())
    if "{sample}" in url:
        with app.test_request_context():
            ids["sample"] = samples.set("id_front", "示例.jpg", noisy_jpeg(900, 650), accounts["province_admin"]).slot
    with app.test_request_context():
        ids.update(unit_world(accounts))
        entry_filed(accounts["accountant"].accountant)  # Inner Mongolia: may start collection
    got = {}
    for role in ROLES:
        client = session_for(app, accounts.get(role))
        target = url.format(**ids)
        if method == "GET":
            response = client.get(target)
        else:
            response = client.post(target, data={k: v.format(**ids) for k, v in data.items()})
        got[role] = response.status_code
        response.close()  # a streamed export keeps its request context until closed
    assert got == expected
