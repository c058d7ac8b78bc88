"""Evidence: the Telegram side (the flows are bot/core/evidence.py)."""

from __future__ import annotations

from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot.core import evidence as core
from handlers.adapter import press, upload

receive_evidence = upload(core.receive_evidence)
press_evidence_button = press(core.press_evidence_button)

HANDLERS: list[BaseHandler] = [  # type: ignore[type-arg]
    MessageHandler(filters.ChatType.PRIVATE & (filters.Document.ALL | filters.PHOTO), receive_evidence),
    CallbackQueryHandler(press_evidence_button, pattern=r"^e:"),
]
