"""The error handler: log everything, tell the office briefly, tell the user nothing internal."""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.deps import deps
from messages import zh

log = logging.getLogger("xcheck.errors")


async def report_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Logs the exception with its update, apologises to the user and alerts the office admins."""
    err = context.error
    log.error("handler failed on update %s", getattr(update, "update_id", "?"), exc_info=err)
    d = deps(context)
    if isinstance(update, Update) and update.effective_chat is not None:
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(update.effective_chat.id, zh.INTERNAL_ERROR)
    where = f"update {getattr(update, 'update_id', '-')}"
    for admin in d.settings.admin_ids:
        try:
            await context.bot.send_message(admin, zh.office_error(type(err).__name__, where), parse_mode="HTML")
        except Forbidden:
            continue
        except TelegramError:
            log.warning("could not alert admin %s", admin)
