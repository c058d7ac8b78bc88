"""Checks at the door of a flow: who is asking, and may they. Refusals go out through `Out`."""

from __future__ import annotations

from typing import TypeVar

from bot.core import buttons as bt
from bot.core.events import Event, Press
from bot.core.views import Out
from bot.deps import Deps
from bot.domain.people import access
from messages import zh
from storage.models import Person

P = TypeVar("P", bound=bt.Payload)


async def _person(d: Deps, event: Event) -> Person | None:
    return await access.person(d.db, event.sender.user_id, admin_ids=d.settings.admin_ids)


async def bound(d: Deps, event: Event, out: Out) -> Person | None:
    """The person asking, or None after telling a stranger how to get an invitation."""
    who = await _person(d, event)
    if who is None:
        await out.refuse(zh.NOT_BOUND)
    return who


async def office_only(d: Deps, event: Event, out: Out) -> Person | None:
    """The office member asking, or None after telling anyone else they may not."""
    who = await _person(d, event)
    if not access.is_office(who):
        await out.refuse(zh.NOT_ALLOWED)
        return None
    return who


async def with_role(d: Deps, event: Event, out: Out, *roles: str) -> Person | None:
    """The person asking if their role is one of `roles`; otherwise None after refusing them."""
    who = await _person(d, event)
    if who is None or who.role not in roles:
        await out.refuse(zh.NOT_ALLOWED if who else zh.NOT_BOUND)
        return None
    return who


async def pressed(event: Press, out: Out, kind: type[P]) -> P | None:
    """The pressed button's typed payload if it is a `kind` button; anything else is old or forged:
    refused, and None."""
    if not isinstance(event.payload, kind):
        await out.refuse(zh.STALE_BUTTON)
        return None
    return event.payload
