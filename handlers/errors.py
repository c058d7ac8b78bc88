"""The error handler: log everything, tell the office briefly, tell the user nothing internal."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot.core import errors as failure
from bot.deps import deps
from handlers.screen import refuse
from messages import firstday as msg
from messages import perf, zh

log = logging.getLogger("xcheck.errors")


async def report_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Logs the exception with its update, apologises to the user and alerts the office admins."""
    err = context.error
    where = f"update {getattr(update, 'update_id', '-')}"
    if isinstance(err, Forbidden):
        log.info("%s: user has blocked the bot", where)
        return
    if failure.busy(err):
        # Another process held the write lock past the bot's short wait: nothing was written.
        log.warning("%s: database busy, the user is asked to resend", where)
        await _tell_busy(update, context)
        return
    if isinstance(err, RetryAfter):
        # Flood control after our retries: Telegram is busy, not our bug; nothing to alert.
        log.warning("%s: Telegram flood control: %s", where, err)
        return
    if isinstance(err, NetworkError) and not isinstance(err, BadRequest):
        # Telegram unreachable or overloaded after our retries: not a bug of ours, nothing to alert.
        # (PTB's BadRequest subclasses NetworkError, but a refused message is our bug: it falls through.)
        log.warning("%s: Telegram API unavailable: %s", where, err)
        return
    if failure.closed(err):
        # The campaign is closed: the database refused the write (triggers of migration 0012).
        log.info("%s: write refused, the campaign is closed", where)
        if isinstance(update, Update):
            try:
                await refuse(update, msg.CLOSED_READ_ONLY)
            except TelegramError:
                log.warning("%s: could not tell the user the campaign is closed", where)
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
