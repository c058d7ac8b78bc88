"""/invite and the office dashboard's buttons: the Telegram side (the flows are bot/core/office.py).

Its commands and buttons come from the shared tables (bot/core/dispatch.py, handlers/tables.py)."""

from __future__ import annotations

from telegram.ext import BaseHandler

from bot.core import office as core
from handlers.tables import registered

HANDLERS: list[BaseHandler] = registered(core)  # type: ignore[type-arg]
