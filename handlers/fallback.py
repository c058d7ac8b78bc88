"""Last in line: unknown commands, and button data no other handler claims (old or forged)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from handlers.screen import refuse
from messages import zh


async def answer_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tells the user the command is unknown and where to find the list."""
    await refuse(update, zh.UNKNOWN_COMMAND)


async def answer_unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tells the user the button is no longer valid; stores nothing."""
    await refuse(update, zh.STALE_BUTTON)


HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    MessageHandler(filters.ChatType.PRIVATE & filters.COMMAND, answer_unknown_command),
    CallbackQueryHandler(answer_unknown_button),
]
