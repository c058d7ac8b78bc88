"""/whoami for anyone, and finding the unit an office member means by a part of its name."""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.events import Command
from bot.core.views import Out
from bot.deps import Deps
from bot.domain.people import access, matching
from messages import firstday as msg
from messages import zh
from storage import roster
from storage.models import Institution, Kind


async def whoami(d: Deps, event: Command, out: Out) -> None:
    """Anyone, bound or not, learns their Telegram id (for XCHECK_ADMIN_IDS or to tell the office)."""
    user_id = event.sender.user_id
    who = await access.person(d.db, user_id, admin_ids=d.settings.admin_ids)
    unit = None
    if who is not None and who.institution_id is not None:
        inst = await roster.institution(d.db.read, who.institution_id)
        unit = inst.name if inst else None
    elif who is not None and who.city:
        unit = f"{who.city}市"
    role = zh.ROLE_NAMES.get(who.role, who.role) if who is not None else None
    await out.show(msg.whoami(user_id, role, unit))


async def resolve_unit(d: Deps, out: Out, ref: str, kinds: Iterable[Kind]) -> Institution | None:
    """The one unit `ref` names (number, name, unambiguous part of a name); otherwise the candidates or
    'no match' are shown and None is returned."""
    found = matching.find(await roster.institutions(d.db.read), ref, kinds)
    if len(found) == 1:
        return found[0]
    await out.show(msg.candidates(ref, [u.name for u in found]) if found else msg.no_match(ref))
    return None
