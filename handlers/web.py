"""/web: the Telegram side (the flow is bot/core/web.py)."""

from __future__ import annotations

from telegram.ext import BaseHandler, CommandHandler, filters

from bot.core import web as core
from handlers.adapter import command

HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CommandHandler("web", command(core.web_link), filters=filters.ChatType.PRIVATE),
]
