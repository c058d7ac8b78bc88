"""/invite and the office dashboard's buttons: the Telegram side (the flows are bot/core/office.py)."""

from __future__ import annotations

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.core import office as core
from handlers.adapter import command, press

HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CommandHandler("invite", command(core.create_invitations), filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(press(core.press_office_menu), pattern=r"^ofc:"),
]
