"""The walk and /menu: the Telegram side (role dispatch, stages and the walk are bot/core/walk.py). Its
commands and buttons come from the shared tables (bot/core/dispatch.py, handlers/tables.py)."""

from __future__ import annotations

from telegram.ext import BaseHandler, MessageHandler, filters

from bot.core import dispatch
from bot.core import walk as core
from handlers.adapter import typed
from handlers.tables import registered

HANDLERS: list[BaseHandler] = registered(core)  # type: ignore[type-arg]

# Typed answers catch any remaining text, so they are registered after every command handler.
TEXT_HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, typed(dispatch.TYPED)),
]
