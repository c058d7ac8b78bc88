"""Short notices to people other than the one whose update is being handled: the Telegram sender for what
has no update of its own (the web channel's notices). Who to tell is the core's (bot/core/notify.py)."""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import TelegramError

from handlers.screen import with_retry

log = logging.getLogger("xcheck.notify")


async def tell(bot: Bot, user_ids: list[int], text: str, markup: InlineKeyboardMarkup | None = None) -> int:
    """Sends to each; one who blocked the bot or cannot be reached does not stop the others."""
    sent = 0
    for user_id in user_ids:
        try:
            await with_retry(lambda uid=user_id: bot.send_message(uid, text, reply_markup=markup))  # type: ignore[misc]
            sent += 1
        except TelegramError as exc:
            log.warning("notice to %s not delivered: %s", user_id, exc)
    return sent
