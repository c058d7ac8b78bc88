"""Last in line: the Telegram side of bot/core/fallback.py (which messages count as unsupported is Telegram's
filters)."""

from __future__ import annotations

from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot.core import dispatch
from bot.core import fallback as core
from handlers.adapter import command, press, typed

HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    MessageHandler(filters.ChatType.PRIVATE & filters.COMMAND, command(dispatch.UNKNOWN_COMMAND)),
    MessageHandler(
        filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.COMMAND & ~filters.Document.ALL & ~filters.PHOTO,
        typed(core.answer_unsupported_message),
    ),
    CallbackQueryHandler(press(dispatch.UNKNOWN_BUTTON)),
]
