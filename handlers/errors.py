"""The error handler: log everything, tell the office briefly, tell the user nothing internal."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError, TelegramError
from telegram.ext import ContextTypes

from bot.deps import deps
from messages import perf, zh
from storage import Busy

log = logging.getLogger("xcheck.errors")


async def report_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Logs the exception with its update, apologises to the user and alerts the office admins."""
    err = context.error
    where = f"update {getattr(update, 'update_id', '-')}"
    if isinstance(err, Forbidden):
        log.info("%s: user has blocked the bot", where)
        return
    if isinstance(err, Busy):
        # Another process held the write lock past the bot's short wait: nothing was written.
        log.warning("%s: database busy, the user is asked to resend", where)
        await _tell_busy(update, context)
        return
    if isinstance(err, NetworkError):
        # Telegram unreachable or overloaded after our retries: not a bug of ours, nothing to alert.
        log.warning("%s: Telegram API unavailable: %s", where, err)
        return
    log.error("handler failed on %s", where, exc_info=err)
    d = deps(context)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, zh.INTERNAL_ERROR)
        except TelegramError:
            log.warning("%s: could not apologise to the user", where)
    for admin in d.settings.admin_ids:
        try:
            await context.bot.send_message(admin, zh.office_error(type(err).__name__, where))
        except TelegramError:
            log.warning("could not alert admin %s", admin)


async def _tell_busy(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not isinstance(update, Update):
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(perf.BUSY, show_alert=True)
        elif update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, perf.BUSY)
    except TelegramError:
        log.warning("could not tell %s the database was busy", getattr(update, "update_id", "-"))
