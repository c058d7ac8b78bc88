"""Sending and editing screens whose returned Message nobody reads.

PTB turns every Bot API reply into a Message object; for a walk screen nobody looks at it, and building it
cost about an eighth of an update's CPU. These calls pass rate_limit_args=UNREAD, on which the flood gate
(PTB's rate-limiter hook, through which every call goes) hands PTB `True` instead, so nothing is built.
Errors (400, 429, timeouts) are raised exactly as before.
"""

from __future__ import annotations

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup

from bot.floodgate import UNREAD


async def send_unread(bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """sendMessage in HTML (the application's default parse mode)."""
    await bot.send_message(chat_id, text, reply_markup=markup, rate_limit_args=UNREAD)  # type: ignore[call-arg]


async def edit_unread(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """editMessageText of the message the pressed button sits on."""
    message = query.message
    assert message is not None
    await query.get_bot().edit_message_text(  # type: ignore[call-arg]
        text, chat_id=message.chat.id, message_id=message.message_id, reply_markup=markup, rate_limit_args=UNREAD
    )
