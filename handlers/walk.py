"""The walk and /menu: the Telegram side (role dispatch, stages and the walk are bot/core/walk.py)."""

from __future__ import annotations

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.core import walk as core
from handlers.adapter import command, press, typed

HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CommandHandler("menu", command(core.open_menu), filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(press(core.press_walk_button), pattern=r"^w:"),
    CallbackQueryHandler(press(core.press_menu_button), pattern=r"^m:"),
]

# Typed answers catch any remaining text, so they are registered after every command handler.
TEXT_HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, typed(core.answer_text)),
]
