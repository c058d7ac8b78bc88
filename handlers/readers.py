"""The readers' buttons (city bureau, lead institution): the Telegram side (the flows are bot/core/readers.py).

Its commands and buttons come from the shared tables (bot/core/dispatch.py, handlers/tables.py)."""

from __future__ import annotations

from telegram.ext import BaseHandler

from bot.core import readers as core
from handlers.tables import registered

HANDLERS: list[BaseHandler] = registered(core)  # type: ignore[type-arg]
