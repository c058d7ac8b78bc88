"""The readers' buttons (city bureau, lead institution): the Telegram side (the flows are bot/core/readers.py)."""

from __future__ import annotations

from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.core import readers as core
from handlers.adapter import press

HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CallbackQueryHandler(press(core.press_reader_button), pattern=r"^c:"),
]
