"""/review and the review card's buttons: the Telegram side (the flows are bot/core/office_review.py)."""

from __future__ import annotations

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.core import office_review as core
from handlers.adapter import command, press

HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CommandHandler("review", command(core.open_review), filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(press(core.press_office_button), pattern=r"^o:"),
]
