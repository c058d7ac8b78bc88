"""/export: the Telegram side (the flows are bot/core/exports.py)."""

from __future__ import annotations

from telegram.ext import BaseHandler, CommandHandler, filters

from bot.core import exports as core
from handlers.adapter import command

HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CommandHandler("export", command(core.start_export), filters=filters.ChatType.PRIVATE),
]
