"""Showing a screen: edit the pressed message for a button, send a new one for typed input."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest


async def show(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    query = update.callback_query
    if query is not None and query.message is not None:
        await query.answer()
        try:
            await query.edit_message_text(text, reply_markup=markup)
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
            # Too old or gone: fall through and send the screen as a new message.
        await query.get_bot().send_message(query.message.chat.id, text, reply_markup=markup)
        return
    assert update.effective_message is not None
    await update.effective_message.reply_html(text, reply_markup=markup)


async def refuse(update: Update, text: str) -> None:
    """A refusal: a pop-up on a button press (the screen stays as it was), a reply to typed input."""
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
        return
    assert update.effective_message is not None
    await update.effective_message.reply_html(text)
