"""What each input goes to, for every channel: the commands by name, the buttons by the prefix of their data,
typed text, files, and what answers anything else. The Telegram adapter registers its handlers from these
tables (handlers/__init__.py) and the web's conversation page dispatches by them (bot/web/chat.py), so the
two channels offer the same commands and buttons and run the same flows."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from bot.core import (
    campaign,
    evidence,
    exports,
    fallback,
    firstday,
    office,
    office_review,
    oversight,
    readers,
    review,
    start,
    walk,
    web,
)
from bot.core.events import Command, Press, Text, Upload
from bot.core.views import Out
from bot.deps import Deps
from bot.domain.people import access
from messages import zh

CommandFlow = Callable[[Deps, Command, Out], Awaitable[None]]


def checked(name: str, flow: CommandFlow) -> CommandFlow:
    """The flow of command `name`, run only for those the access table lets use it (bot/domain/people/
    access.py); anyone else is refused as the flows refuse: a stranger is told how to get bound, anyone else
    that they may not."""

    @functools.wraps(flow)
    async def guarded(d: Deps, event: Command, out: Out) -> None:
        who = await access.person(d.db, event.sender.user_id, admin_ids=d.settings.admin_ids)
        if not access.may_use(who, name):
            bound_only = access.COMMAND_ACCESS.get(name) == "bound"
            await out.refuse(zh.NOT_BOUND if bound_only else zh.NOT_ALLOWED)
            return
        await flow(d, event, out)

    return guarded


_FLOWS: dict[str, CommandFlow] = {
    "start": start.start,
    "help": start.show_help,
    "cancel": start.cancel,
    "whoami": firstday.whoami,
    "invite": office.create_invitations,
    "review": office_review.open_review,
    "menu": walk.open_menu,
    "progress": oversight.show_progress,
    "sample": oversight.draw_or_show_sample,
    "assign": oversight.assign_expert,
    "experts": oversight.list_experts,
    "grades": oversight.list_grades,
    "flags": oversight.list_flags,
    "export": exports.start_export,
    "deadline": campaign.set_deadline,
    "broadcast": campaign.start_broadcast,
    "questionnaire": campaign.set_questionnaire,
    "quotas": campaign.list_quota_gaps,
    "web": web.web_link,
}
COMMANDS: dict[str, CommandFlow] = {name: checked(name, flow) for name, flow in _FLOWS.items()}

# By the text before the first ':' of the button data (bot/core/buttons.py packs it).
PRESSES: dict[str, Callable[[Deps, Press, Out], Awaitable[None]]] = {
    "i": start.press_rebind_button,
    "ofc": office.press_office_menu,
    "o": office_review.press_office_button,
    "w": walk.press_walk_button,
    "m": walk.press_menu_button,
    "e": evidence.press_evidence_button,
    "r": review.show_review,
    "s": review.submit_report,
    "c": readers.press_reader_button,
    "p": oversight.press_progress_button,
    "x": oversight.press_expert_button,
    "b": campaign.press_broadcast_button,
}

TYPED: Callable[[Deps, Text, Out], Awaitable[None]] = walk.answer_text
UPLOADED: Callable[[Deps, Upload, Out], Awaitable[None]] = evidence.receive_evidence
UNKNOWN_COMMAND: Callable[[Deps, Command, Out], Awaitable[None]] = fallback.answer_unknown_command
UNKNOWN_BUTTON: Callable[[Deps, Press, Out], Awaitable[None]] = fallback.answer_unknown_button


def press_prefix(data: str) -> str:
    return data.split(":", 1)[0]


async def command(d: Deps, event: Command, out: Out) -> None:
    """A command by its name; one no channel registers is answered as Telegram answers an unknown one."""
    await COMMANDS.get(event.name, UNKNOWN_COMMAND)(d, event, out)


async def press(d: Deps, event: Press, out: Out) -> None:
    """A button by its data's prefix; data no button packs is refused (Telegram's gate does the same)."""
    flow = PRESSES.get(press_prefix(event.data)) if event.payload is not None else None
    await (flow or UNKNOWN_BUTTON)(d, event, out)
