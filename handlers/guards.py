"""Checks at the door of a handler: who is asking, and may they."""

from __future__ import annotations

from telegram import Update

from bot import access
from bot.deps import Deps
from handlers.screen import refuse
from messages import zh
from storage.models import Person


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
    if len(parts) != count or not parts[1].isdigit():
        await refuse(update, zh.STALE_BUTTON)
        return None
    return parts
