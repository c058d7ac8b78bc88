"""Runs before every other handler: drops what the bot must not act on."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, BaseHandler, ContextTypes, TypeHandler

from bot.deps import deps
from handlers.adapter import well_formed
from handlers.screen import refuse
from messages import zh


async def drop_unwanted_updates(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stops group-chat traffic, updates Telegram re-delivers after a crash (already applied), and button
    presses whose data no handler could parse safely (answered with a pop-up)."""
    chat = update.effective_chat
    if chat is not None and chat.type != ChatType.PRIVATE:
        raise ApplicationHandlerStop
    d = deps(context)
    if not d.inbox.first_sight(update.update_id) or await d.db.was_applied(update.update_id):
        raise ApplicationHandlerStop
    query = update.callback_query
    if query is not None and not well_formed(query.data or ""):
        # Forged or garbled button data is refused here, before any handler parses it.
        await refuse(update, zh.STALE_BUTTON)
        raise ApplicationHandlerStop


HANDLERS: list[BaseHandler] = [TypeHandler(Update, drop_unwanted_updates)]  # type: ignore[type-arg]
