"""The readers' buttons (city bureau, lead institution): the Telegram side (the flows are bot/core/readers.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.core import readers as core
from bot.core.readers import leads_any
from bot.deps import Deps
from handlers.adapter import TelegramOut, press

if TYPE_CHECKING:
    from storage.models import Person

__all__ = ["HANDLERS", "leads_any", "show_city"]


async def show_city(update: Update, d: Deps, who: Person) -> None:
    # Until handlers/walk.py runs on the core: the city bureau's menu, through the core's flow.
    await core.show_city(d, who, TelegramOut(update, update.get_bot(), d=d))


HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CallbackQueryHandler(press(core.press_reader_button), pattern=r"^c:"),
]
