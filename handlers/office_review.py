"""/review and the review card's buttons: the Telegram side (the flows are bot/core/office_review.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.core import office_review as core
from bot.deps import Deps, deps
from handlers.adapter import TelegramOut, command, markup, press, text_event

if TYPE_CHECKING:
    from bot.reporting import Ctx
    from storage.models import Person


async def render_card(d: Deps, ctx: Ctx) -> tuple[str, InlineKeyboardMarkup | None]:
    # Until handlers/review.py runs on the core: the card with Telegram's buttons.
    text, keyboard = await core.render_card(d, ctx)
    return text, markup(keyboard)


async def take_office_text(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Person) -> None:
    # Until handlers/walk.py runs on the core: its Telegram update, through the core's flow.
    d = deps(context)
    await core.take_office_text(d, text_event(update), who, TelegramOut(update, context.bot, d=d))


HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CommandHandler("review", command(core.open_review), filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(press(core.press_office_button), pattern=r"^o:"),
]
