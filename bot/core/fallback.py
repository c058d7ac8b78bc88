"""Last in line: unknown commands, messages of a kind the bot cannot take, and button data no other flow
claims (old or forged)."""

from __future__ import annotations

from bot.core.events import Command, Press, Text
from bot.core.views import Out
from bot.deps import Deps
from messages import zh


async def answer_unknown_command(d: Deps, event: Command, out: Out) -> None:
    """Tells the user the command is unknown and where to find the list."""
    await out.refuse(zh.UNKNOWN_COMMAND)


async def answer_unsupported_message(d: Deps, event: Text, out: Out) -> None:
    """Stickers, voice, video, locations...: says what the bot can take instead; stores nothing."""
    await out.refuse(zh.UNSUPPORTED_MESSAGE)


async def answer_unknown_button(d: Deps, event: Press, out: Out) -> None:
    """Tells the user the button is no longer valid; stores nothing."""
    await out.refuse(zh.STALE_BUTTON)
