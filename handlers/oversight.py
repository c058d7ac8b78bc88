"""/progress, /sample, /assign, /experts, /grades, /flags and the expert's buttons: the Telegram side (the
flows are bot/core/oversight.py)."""

from __future__ import annotations

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.core import oversight as core
from handlers.adapter import command, press

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
