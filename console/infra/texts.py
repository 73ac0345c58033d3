"""Free text a person writes for the record (a return reason, a restore reason, a credit record's 事由): trimmed,
and at most MAX_REASON_LENGTH characters, one rule for all of them; and any text as a spreadsheet cell."""

from console.errors import RuleViolation

MAX_REASON_LENGTH = 500


def reason(text, field, what="原因", required=True):
    """The text, trimmed; refused when it is missing (if required) or too long, naming `what` it is."""
    text = (text or "").strip()
    if required and not text or len(text) > MAX_REASON_LENGTH:
        raise RuleViolation(f"请填写{what}，不超过 {MAX_REASON_LENGTH} 字", field)
    return text


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what Excel and WPS read as the start of a formula


def cell(value):
    """A value as an exported cell no spreadsheet runs: text that would start a formula (a unit named
    "=HYPERLINK(…)") is led by a quote, as OWASP's CSV-injection advice says."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value
