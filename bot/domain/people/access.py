"""Who may do what: every button press and command is checked here, on the server."""

from __future__ import annotations

from storage import Database, people
from storage.models import Person, Report


async def person(db: Database, user_id: int, *, admin_ids: tuple[int, ...]) -> Person | None:
    """The user's binding. Office staff listed in XCHECK_ADMIN_IDS count as office without one."""
    found = await people.get(db.read, user_id)
    if found is None and user_id in admin_ids:
        return Person(user_id=user_id, name="", role="office", institution_id=None, city=None, chat_id=user_id)
    return found


def is_office(who: Person | None) -> bool:
    return who is not None and who.role == "office"


async def may_read(db: Database, who: Person, report: Report) -> bool:
    """Whether `who` may read `report` (office: all; coordinators: their own and, as lead institution, their
    certificates' organization reports; city: their 中职; experts: assigned). Both channels ask here."""
    from bot.domain.reports.lifecycle import may_read as rule

    return await rule(db.read, who, report)


def may_write(who: Person, report: Report) -> bool:
    """Whether `who` fills in `report`: its own institution's coordinator or organization contact."""
    from bot.domain.walk.reporting import may_write as rule

    return rule(who, report)
