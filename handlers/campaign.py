"""Deadlines, broadcasts and the questionnaire: the Telegram side (the flows are bot/core/campaign.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.core import campaign as core
from bot.deps import Deps
from handlers.adapter import TelegramOut, command, press

if TYPE_CHECKING:
    from storage.models import Person

set_deadline = command(core.set_deadline)
start_broadcast = command(core.start_broadcast)
set_questionnaire = command(core.set_questionnaire)
list_quota_gaps = command(core.list_quota_gaps)
press_broadcast_button = press(core.press_broadcast_button)


async def take_broadcast_text(update: Update, d: Deps, who: Person, text: str) -> None:
    # Until handlers/office_review.py runs on the core: its Telegram update, through the core's flow.
    await core.take_broadcast_text(d, who, text, TelegramOut(update, update.get_bot(), d=d))


HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CommandHandler("deadline", set_deadline, filters=filters.ChatType.PRIVATE),
    CommandHandler("broadcast", start_broadcast, filters=filters.ChatType.PRIVATE),
    CommandHandler("questionnaire", set_questionnaire, filters=filters.ChatType.PRIVATE),
    CommandHandler("quotas", list_quota_gaps, filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(press_broadcast_button, pattern=r"^b:"),
]
