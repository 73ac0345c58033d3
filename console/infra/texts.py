"""Free text a person writes for the record (a return reason, a restore reason, a credit record's 事由): trimmed,
and at most MAX_REASON_LENGTH characters, one rule for all of them."""

from console.errors import RuleViolation

MAX_REASON_LENGTH = 500


def reason(text, field, what="原因", required=True):
    """The text, trimmed; refused when it is missing (if required) or too long, naming `what` it is."""
    text = (text or "").strip()
    if required and not text or len(text) > MAX_REASON_LENGTH:
        raise RuleViolation(f"请填写{what}，不超过 {MAX_REASON_LENGTH} 字", field)
    return text
