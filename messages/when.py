"""Times and dates as people read them: local (XCHECK_TIMEZONE), 2020年12月14日 16:05. Never an ISO string."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo

NONE = "—"


def _parse(value: str | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def local(value: str | datetime | None, tz: tzinfo) -> datetime | None:
    """The moment in the campaign's zone; stored times without a zone are UTC (as the clock writes them)."""
    at = _parse(value)
    if at is None:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(tz)


def local_time(value: str | datetime | None, tz: tzinfo) -> str:
    """2020年12月14日 16:05, or — when there is no (readable) time."""
    at = local(value, tz)
    if at is None:
        return NONE
    return f"{at.year}年{at.month}月{at.day}日 {at.hour:02d}:{at.minute:02d}"


def local_date(value: str | datetime | date | None, tz: tzinfo) -> str:
    """2020年12月14日 (a date is shown as it is; a time is first moved into the campaign's zone)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return f"{value.year}年{value.month}月{value.day}日"
    at = local(value, tz)
    if at is None:
        return NONE
    return f"{at.year}年{at.month}月{at.day}日"
