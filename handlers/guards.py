"""Checks at the door of a handler: who is asking, and may they."""

from __future__ import annotations

import re

from telegram import Update

from bot import access
from bot.deps import Deps
from handlers.screen import refuse
from messages import zh
from storage.models import Person

_ASCII_ID = re.compile(r"[0-9]{1,19}")
SQLITE_MAX = 2**63 - 1


def parse_id(text: str) -> int | None:
    """A number from button data: ASCII digits only, within SQLite's integer range; otherwise None.
    (str.isdigit() accepts '²' and '١', which int() then rejects or misreads.)"""
    if not _ASCII_ID.fullmatch(text):
        return None
    value = int(text)
    return value if value <= SQLITE_MAX else None


def well_formed(data: str) -> bool:
    """Button data any handler may parse: every part that looks like a number is a valid id (so no
    handler's isdigit() + int() can fail or reach the database out of range)."""
    return all(parse_id(part) is not None for part in data.split(":") if part and (part.isdigit() or part.isdecimal()))


async def bound(update: Update, d: Deps) -> Person | None:
    """The person asking, or None after telling a stranger how to get an invitation."""
    assert update.effective_user is not None
    who = await access.person(d.db, update.effective_user.id, admin_ids=d.settings.admin_ids)
    if who is None:
        await refuse(update, zh.NOT_BOUND)
    return who


async def office_only(update: Update, d: Deps) -> Person | None:
    """The office member asking, or None after telling anyone else they may not."""
    assert update.effective_user is not None
    who = await access.person(d.db, update.effective_user.id, admin_ids=d.settings.admin_ids)
    if not access.is_office(who):
        await refuse(update, zh.NOT_ALLOWED)
        return None
    return who


async def with_role(update: Update, d: Deps, *roles: str) -> Person | None:
    """The person asking if their role is one of `roles`; otherwise None after refusing them."""
    assert update.effective_user is not None
    who = await access.person(d.db, update.effective_user.id, admin_ids=d.settings.admin_ids)
    if who is None or who.role not in roles:
        await refuse(update, zh.NOT_ALLOWED if who else zh.NOT_BOUND)
        return None
    return who


async def button_parts(update: Update, count: int) -> list[str] | None:
    """A button's data as `count` colon-separated parts with a number second (a report or an institution).
    Anything else is old or forged: refused, and None."""
    query = update.callback_query
    assert query is not None
    parts = (query.data or "").split(":")
    if len(parts) != count or parse_id(parts[1]) is None:
        await refuse(update, zh.STALE_BUTTON)
        return None
    return parts
