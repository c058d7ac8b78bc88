"""/whoami: the Telegram side (the flow is bot/core/firstday.py)."""

from __future__ import annotations

from collections.abc import Iterable

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.core import firstday as core
from bot.deps import Deps
from handlers.adapter import TelegramOut, command
from storage.models import Institution, Kind


async def resolve_unit(update: Update, d: Deps, ref: str, kinds: Iterable[Kind]) -> Institution | None:
    # Until handlers/office*.py run on the core: their Telegram update, through the core's flow.
    return await core.resolve_unit(d, TelegramOut(update, update.get_bot()), ref, kinds)


HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CommandHandler("whoami", command(core.whoami), filters=filters.ChatType.PRIVATE),
]
