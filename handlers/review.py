"""Reading a report, the summary before submitting, and submitting it: the Telegram side (the flows are
bot/core/review.py).

Its commands and buttons come from the shared tables (bot/core/dispatch.py, handlers/tables.py)."""

from __future__ import annotations

from telegram.ext import BaseHandler

from bot.core import review as core
from handlers.tables import registered

HANDLERS: list[BaseHandler] = registered(core)  # type: ignore[type-arg]
