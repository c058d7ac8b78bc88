"""Short notices to people other than the one whose update is being handled."""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.deps import Deps
from handlers.screen import with_retry
from storage import people

log = logging.getLogger("xcheck.notify")


async def office_ids(d: Deps) -> list[int]:
    ids = set(d.settings.admin_ids)
    ids.update(p.user_id for p in await people.with_role(d.db.read, "office"))
    return sorted(ids)


async def coordinator_ids(d: Deps, institution_id: int) -> list[int]:
    # Web-only people (negative ids) have no Telegram chat; the web shows them the same state.
    found = await people.of_institution(d.db.read, institution_id)
    return [p.user_id for p in found if p.role in ("coordinator", "org") and p.user_id > 0]


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
