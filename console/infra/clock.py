"""The one source of the current time: naive UTC, shown in Beijing time by the templates."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def now():
    return datetime.now(UTC).replace(tzinfo=None)


def to_beijing(moment):
    return moment.replace(tzinfo=UTC).astimezone(BEIJING)


def beijing_midnight(day):
    """The naive UTC moment a Beijing calendar day begins."""
    return datetime.combine(day, time(), BEIJING).astimezone(UTC).replace(tzinfo=None)


def today():
    """Today's date in Beijing, where every bureau and accountant lives by it (not the server's date)."""
    return to_beijing(now()).date()
