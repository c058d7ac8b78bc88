"""Who may do what: every button press and command is checked here, on the server."""

from __future__ import annotations

from typing import Literal

from storage import Database, people
from storage.models import Person, Report


async def person(db: Database, user_id: int, *, admin_ids: tuple[int, ...]) -> Person | None:
    """The user's binding. Office staff listed in XCHECK_ADMIN_IDS count as office without one."""
    found = await people.asking(db, user_id)
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


CommandAccess = Literal["anyone", "bound", "office"]
# Who may use which command, in every channel: the core's dispatch checks it before any flow runs (and each
# flow still checks the person it acts for and the report it touches).
COMMAND_ACCESS: dict[str, CommandAccess] = {
    "start": "anyone",  # with an invitation, or to learn how to get one
    "help": "anyone",
    "cancel": "anyone",
    "whoami": "anyone",  # a stranger's id is what the office needs to bind them
    "menu": "bound",
    "web": "bound",
    "invite": "office",
    "review": "office",
    "progress": "office",
    "sample": "office",
    "assign": "office",
    "experts": "office",
    "grades": "office",
    "flags": "office",
    "export": "office",
    "deadline": "office",
    "broadcast": "office",
    "questionnaire": "office",
    "quotas": "office",
}


def may_use(who: Person | None, command: str) -> bool:
    """Whether `who` (None: nobody bound) may use `command`; a command not in the table is nobody's."""
    rule = COMMAND_ACCESS.get(command)
    if rule == "anyone":
        return True
    if rule == "bound":
        return who is not None
    return rule == "office" and is_office(who)
