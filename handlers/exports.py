"""/export: the Telegram side (the flows are bot/core/exports.py)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, filters

from bot.core import exports as core
from bot.deps import Deps, deps
from handlers.adapter import TelegramOut, command, press_event


async def download_own_report(update: Update, context: ContextTypes.DEFAULT_TYPE, report_id: int) -> None:
    # Until handlers/walk.py runs on the core: its Telegram update, through the core's flow.
    d = deps(context)
    await core.download_own_report(d, press_event(update), TelegramOut(update, context.bot, d=d), report_id)


def schedule_own_report(context: ContextTypes.DEFAULT_TYPE, update: Update, d: Deps, report_id: int) -> None:
    # Until handlers/review.py runs on the core.
    assert update.effective_chat is not None
    core.schedule_own_report(d, update.effective_chat.id, TelegramOut(update, context.bot, d=d), report_id)


HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CommandHandler("export", command(core.start_export), filters=filters.ChatType.PRIVATE),
]
