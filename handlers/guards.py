"""Checks at the door of a handler: who is asking, and may they."""

from __future__ import annotations

from telegram import Update

from bot import access
from bot.deps import Deps
from handlers.screen import refuse
from messages import zh
from storage.models import Person


async def office_only(update: Update, d: Deps) -> Person | None:
    """The office member asking, or None after telling anyone else they may not."""
    assert update.effective_user is not None
    who = await access.person(d.db, update.effective_user.id, admin_ids=d.settings.admin_ids)
    if not access.is_office(who):
        await refuse(update, zh.NOT_ALLOWED)
        return None
    return who
