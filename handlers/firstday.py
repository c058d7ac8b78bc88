"""/whoami for anyone, and finding the unit an office member means by a part of its name."""

from __future__ import annotations

from collections.abc import Iterable

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, filters

from bot import access, matching
from bot.deps import Deps, deps
from handlers.screen import show
from messages import firstday as msg
from messages import zh
from storage import roster
from storage.models import Institution, Kind


async def whoami(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Anyone, bound or not, learns their Telegram id (for XCHECK_ADMIN_IDS or to tell the office)."""
    assert update.effective_user is not None
    d = deps(context)
    who = await access.person(d.db, update.effective_user.id, admin_ids=d.settings.admin_ids)
    unit = None
    if who is not None and who.institution_id is not None:
        inst = await roster.institution(d.db.read, who.institution_id)
        unit = inst.name if inst else None
    elif who is not None and who.city:
        unit = f"{who.city}市"
    role = zh.ROLE_NAMES.get(who.role, who.role) if who is not None else None
    await show(update, msg.whoami(update.effective_user.id, role, unit))


async def resolve_unit(update: Update, d: Deps, ref: str, kinds: Iterable[Kind]) -> Institution | None:
    """The one unit `ref` names (number, name, unambiguous part of a name); otherwise the candidates or
    'no match' are shown and None is returned."""
    found = matching.find(await roster.institutions(d.db.read), ref, kinds)
    if len(found) == 1:
        return found[0]
    await show(update, msg.candidates(ref, [u.name for u in found]) if found else msg.no_match(ref))
    return None


HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CommandHandler("whoami", whoami, filters=filters.ChatType.PRIVATE),
]
