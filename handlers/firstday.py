"""/whoami: the Telegram side (the flow is bot/core/firstday.py)."""

from __future__ import annotations

from telegram.ext import BaseHandler, CommandHandler, filters

from bot.core import firstday as core
from handlers.adapter import command

HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CommandHandler("whoami", command(core.whoami), filters=filters.ChatType.PRIVATE),
]
