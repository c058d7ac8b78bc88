"""What the web tells a coordinator that Telegram would have told them: the latest broadcasts addressed to
them, the report's deadline and status, and a reminder when the deadline is near and the report unsubmitted.
People who signed in only on the web are never sent Telegram reminders or broadcasts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from html import unescape

from bot.config import Settings
from storage import Database, campaign

LATEST = 3  # broadcasts shown
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Notices:
    broadcasts: list[tuple[str, str]]  # (created_at, plain text), newest first
    due: date
    days_left: int  # local calendar days until the deadline; negative once past
    remind: bool


def plain(telegram_html: str) -> str:
    """A broadcast is stored as the Telegram HTML it was sent as; the web shows its words (and escapes them)."""
    return unescape(_TAG.sub("", telegram_html))


def remind(due: date, today: date, status: str, *, first: int) -> bool:
    """A banner from the first reminder day before the deadline on, while the report is not submitted."""
    return status not in ("submitted", "accepted") and (due - today).days <= first


async def for_person(db: Database, settings: Settings, user_id: int, status: str, now: datetime) -> Notices:
    stored = await campaign.deadlines(db.read)
    due = date.fromisoformat(stored["report"]) if "report" in stored else settings.deadline
    today = now.astimezone(settings.tz).date()
    latest = await campaign.broadcasts_to(db.read, user_id, LATEST)
    first = max(settings.reminder_days, default=7)
    return Notices(
        broadcasts=[(b.created_at, plain(b.text)) for b in latest],
        due=due,
        days_left=(due - today).days,
        remind=remind(due, today, status, first=first),
    )
