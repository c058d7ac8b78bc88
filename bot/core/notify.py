"""Who to tell: the recipients of notices to people other than the one acting. Sending is `out.notify`."""

from __future__ import annotations

from bot.deps import Deps
from storage import people


async def office_ids(d: Deps) -> list[int]:
    ids = set(d.settings.admin_ids)
    ids.update(p.user_id for p in await people.with_role(d.db.read, "office"))
    return sorted(ids)


async def coordinator_ids(d: Deps, institution_id: int) -> list[int]:
    # Web-only people (negative ids) have no Telegram chat; the web shows them the same state.
    found = await people.of_institution(d.db.read, institution_id)
    return [p.user_id for p in found if p.role in ("coordinator", "org") and p.user_id > 0]
