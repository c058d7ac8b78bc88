"""Reading a report, the summary before submitting, and submitting it: the Telegram side (the flows are
bot/core/review.py)."""

from __future__ import annotations

from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.core import review as core
from handlers.adapter import press

HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CallbackQueryHandler(press(core.show_review), pattern=r"^r:"),
    CallbackQueryHandler(press(core.submit_report), pattern=r"^s:"),
]
