"""What every template may read: the province profile, the rules the pages state (read from where each rule
lives, never retyped), who counts as an accountant, and times shown in Beijing time."""

from types import SimpleNamespace

from console.archive import appraisals, daily_rules
from console.collection import lifecycle
from console.filings import students
from console.infra import audit, clock, texts, workdays
from console.org.access import is_accountant
from console.people import passwords
from console.profiles import current_profile
from models.job import JOB_STATES

RULES = SimpleNamespace(
    overdue_after=workdays.OVERDUE_AFTER,
    max_reason_length=texts.MAX_REASON_LENGTH,
    max_appraisal_note=appraisals.MAX_NOTE,
    editable=lifecycle.EDITABLE,
    closed_archives=lifecycle.CLOSED_ARCHIVES,
    accounting_majors=students.ACCOUNTING_MAJORS,
    ce_consecutive=daily_rules.CONSECUTIVE_LIMIT,
    ce_cumulative=daily_rules.CUMULATIVE_LIMIT,
)


def init_app(app):
    app.context_processor(lambda: {"profile": current_profile, "rules": RULES, "is_accountant": is_accountant})
    app.jinja_env.globals["deadline_notice"] = lambda: lifecycle.deadline_notice(current_profile)
    app.jinja_env.filters["beijing"] = beijing
    app.jinja_env.filters["audit_detail"] = lambda entry: "；".join(audit.detail_lines(entry))
    app.jinja_env.filters["password_class"] = lambda name: passwords.CLASSES[name][1]
    app.jinja_env.filters["job_state"] = JOB_STATES.label


def beijing(moment, fmt="%Y-%m-%d %H:%M"):
    return clock.to_beijing(moment).strftime(fmt) if moment else ""
