"""Checks at the door of a handler: who is asking, and may they."""

from __future__ import annotations

from functools import lru_cache
from typing import TypeVar

from telegram import Update

from bot import access, buttons
from bot.buttons import parse_id
from bot.deps import Deps
from handlers.screen import refuse
from messages import zh
from storage.models import Person

__all__ = ["bound", "button", "office_only", "parse_id", "well_formed", "with_role"]

P = TypeVar("P", bound=buttons.Payload)

# A press's data is parsed at the door (well_formed, in the gate) and again by its handler (button): the same
# string gives the same frozen payload, so it is parsed once.
_parse = lru_cache(maxsize=1024)(buttons.parse)


def well_formed(data: str) -> bool:
    """Button data some button of this bot packs (bot.buttons.parse): anything else is refused at the
    door, so no handler sees forged, garbled or out-of-range data."""
    return _parse(data) is not None


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


async def button(update: Update, kind: type[P]) -> P | None:
    """The pressed button's typed payload if it is a `kind` button; anything else is old or forged:
    refused, and None."""
    query = update.callback_query
    assert query is not None
    found = _parse(query.data or "")
    if not isinstance(found, kind):
        await refuse(update, zh.STALE_BUTTON)
        return None
    return found
