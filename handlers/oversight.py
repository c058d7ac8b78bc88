"""/progress, /sample, /assign, /experts, /grades, /flags and the expert's buttons: the Telegram side (the
flows are bot/core/oversight.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.core import oversight as core
from bot.deps import Deps, deps
from handlers.adapter import TelegramOut, command, press, text_event

if TYPE_CHECKING:
    from storage.models import Person


async def show_expert_menu(update: Update, d: Deps, who: Person) -> None:
    # Until handlers/walk.py runs on the core: the expert's menu, through the core's flow.
    await core.show_expert_menu(d, who, TelegramOut(update, update.get_bot(), d=d))


async def take_expert_text(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Person) -> None:
    # Until handlers/walk.py runs on the core.
    await core.take_expert_text(
        deps(context), text_event(update), who, TelegramOut(update, context.bot, d=deps(context))
    )


HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    CommandHandler("progress", command(core.show_progress), filters=filters.ChatType.PRIVATE),
    CommandHandler("sample", command(core.draw_or_show_sample), filters=filters.ChatType.PRIVATE),
    CommandHandler("assign", command(core.assign_expert), filters=filters.ChatType.PRIVATE),
    CommandHandler("experts", command(core.list_experts), filters=filters.ChatType.PRIVATE),
    CommandHandler("grades", command(core.list_grades), filters=filters.ChatType.PRIVATE),
    CommandHandler("flags", command(core.list_flags), filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(press(core.press_progress_button), pattern=r"^p:"),
    CallbackQueryHandler(press(core.press_expert_button), pattern=r"^x:"),
]
