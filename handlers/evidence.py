"""Evidence: the Telegram side (the flows are bot/core/evidence.py). Its buttons come from the shared tables
(bot/core/dispatch.py, handlers/tables.py)."""

from __future__ import annotations

from telegram.ext import BaseHandler, MessageHandler, filters

from bot.core import dispatch
from bot.core import evidence as core
from handlers.adapter import upload
from handlers.tables import registered

receive_evidence = upload(dispatch.UPLOADED)

HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    MessageHandler(filters.ChatType.PRIVATE & (filters.Document.ALL | filters.PHOTO), receive_evidence),
    *registered(core),
]
