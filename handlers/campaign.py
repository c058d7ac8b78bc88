"""Deadlines, broadcasts and the questionnaire: the Telegram side (the flows are bot/core/campaign.py)."""

from __future__ import annotations

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.core import campaign as core
from handlers.adapter import command, press

HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CommandHandler("deadline", command(core.set_deadline), filters=filters.ChatType.PRIVATE),
    CommandHandler("broadcast", command(core.start_broadcast), filters=filters.ChatType.PRIVATE),
    CommandHandler("questionnaire", command(core.set_questionnaire), filters=filters.ChatType.PRIVATE),
    CommandHandler("quotas", command(core.list_quota_gaps), filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(press(core.press_broadcast_button), pattern=r"^b:"),
]
