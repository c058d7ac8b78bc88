"""/review and the review card's buttons: the Telegram side (the flows are bot/core/office_review.py).

Its commands and buttons come from the shared tables (bot/core/dispatch.py, handlers/tables.py)."""

from __future__ import annotations

from telegram.ext import BaseHandler

from bot.core import office_review as core
from handlers.tables import registered

HANDLERS: list[BaseHandler] = registered(core)  # type: ignore[type-arg]
