"""/web: a one-time link that signs a Telegram user in on the web channel, as the same person."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, filters

from bot import signin
from bot.deps import deps
from handlers.guards import bound
from handlers.screen import show
from messages import web as web_text


async def web_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    who = await bound(update, d)
    if who is None:
        return
    code = await signin.issue_link(d.db, who, "web", now=d.clock.now())
    await show(update, web_text.web_link_message(f"{d.settings.web_base}/w/{code}"))


HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CommandHandler("web", web_link, filters=filters.ChatType.PRIVATE),
]
