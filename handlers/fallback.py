"""Last in line: unknown commands, and button data no other handler claims (old or forged)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from handlers.screen import refuse
from messages import zh


async def answer_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tells the user the command is unknown and where to find the list."""
    await refuse(update, zh.UNKNOWN_COMMAND)


async def answer_unsupported_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, voice, video, locations...: says what the bot can take instead; stores nothing."""
    await refuse(update, zh.UNSUPPORTED_MESSAGE)


async def answer_unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tells the user the button is no longer valid; stores nothing."""
    await refuse(update, zh.STALE_BUTTON)


HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    MessageHandler(filters.ChatType.PRIVATE & filters.COMMAND, answer_unknown_command),
    MessageHandler(
        filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.COMMAND & ~filters.Document.ALL & ~filters.PHOTO,
        answer_unsupported_message,
    ),
    CallbackQueryHandler(answer_unknown_button),
]
