"""A handler module's commands and buttons, taken from the core's shared tables (bot/core/dispatch.py): the
web's conversation page dispatches by the same tables, so both channels offer the same commands and buttons."""

from __future__ import annotations

import re
from types import ModuleType

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.core.dispatch import COMMANDS, PRESSES
from handlers.adapter import command, press


def registered(core: ModuleType) -> list[BaseHandler]:  # type: ignore[type-arg]
    """The commands and buttons whose flows live in the core module `core`, as PTB handlers."""
    own = core.__name__
    return [
        *(
            CommandHandler(name, command(flow), filters=filters.ChatType.PRIVATE)
            for name, flow in COMMANDS.items()
            if flow.__module__ == own
        ),
        *(
            CallbackQueryHandler(press(flow), pattern=f"^{re.escape(prefix)}:")
            for prefix, flow in PRESSES.items()
            if flow.__module__ == own
        ),
    ]
