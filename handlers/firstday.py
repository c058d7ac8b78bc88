"""/whoami: the Telegram side (the flow is bot/core/firstday.py).

Its commands and buttons come from the shared tables (bot/core/dispatch.py, handlers/tables.py)."""

from __future__ import annotations

from telegram.ext import BaseHandler

from bot.core import firstday as core
from handlers.tables import registered

HANDLERS: list[BaseHandler] = registered(core)  # type: ignore[type-arg]
