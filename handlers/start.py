"""/start (with or without an invitation), /help, /cancel: the Telegram side (the flows are bot/core/start.py)."""

from __future__ import annotations

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.core import start as core
from handlers.adapter import command, press

HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CommandHandler("start", command(core.start), filters=filters.ChatType.PRIVATE),
    CommandHandler("help", command(core.show_help), filters=filters.ChatType.PRIVATE),
    CommandHandler("cancel", command(core.cancel), filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(press(core.press_rebind_button), pattern=r"^i:"),
]
