"""Sending and editing screens whose returned Message nobody reads, and answering button presses.

PTB turns every Bot API reply into a Message object; for a walk screen nobody looks at it, and building it
cost about an eighth of an update's CPU. These calls pass rate_limit_args=UNREAD, on which the flood gate
(PTB's rate-limiter hook, through which every call goes) hands PTB `True` instead, so nothing is built.
Errors (400, 429, timeouts) are raised exactly as before.

They also post the Bot API's parameters directly (ExtBot._do_post, where PTB's own methods end up, through
the flood gate), rather than through send_message and its kin: those collect some twenty optional arguments,
apply the application's Defaults to each, and serialise the keyboard through TelegramObject.to_dict, which
together cost about a tenth of a walk update's CPU. The keyboard is the core's (bot/core/views.py), turned into
the Bot API's JSON here without PTB's InlineKeyboardButton objects. The parameters sent are the same, to the key
(tests/e2e/test_quiet_calls.py compares them with PTB's own methods), the application's Defaults included.
"""

from __future__ import annotations

from typing import Any

from telegram import Bot, CallbackQuery
from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram.ext import ExtBot

from bot.core import views as vw
from bot.tg.floodgate import UNREAD
from bot.tg.http import UNREAD_REPLY


def _button(button: vw.Button) -> dict[str, str]:
    if button.url is not None:
        return {"text": button.label, "url": button.url}
    assert button.data is not None  # a core Button carries either data or a link
    return {"text": button.label, "callback_data": button.data.pack()}


def keyboard(keys: vw.Keyboard) -> dict[str, Any]:
    """The core's keyboard as the Bot API's JSON, built straight from the views: what PTB's
    InlineKeyboardMarkup.to_dict() gives for the same buttons (handlers/adapter.py's `markup`), without
    building PTB's objects first (about 35 µs a screen)."""
    return {"inline_keyboard": [[_button(b) for b in row] for row in keys.rows]}


async def _post(bot: Bot, endpoint: str, data: dict[str, Any]) -> None:
    if not isinstance(bot, ExtBot):  # the flood gate lives on the application's ExtBot
        raise TypeError("quiet calls need the application's ExtBot")
    # The application's Defaults, as PTB's _insert_defaults applies them to values like these (it also
    # converts dates and media, which these calls never carry); then None is left out, as PTB does.
    defaults = bot.defaults
    given = defaults.api_defaults if defaults is not None else {}
    params = {}
    for key, value in data.items():
        if isinstance(value, DefaultValue):
            value = given.get(key, value.value)
        if value is not None:
            params[key] = value
    # The reply is not parsed either (bot/tg/http.py): the gate hands PTB `True` in its place anyway.
    token = UNREAD_REPLY.set(True)
    try:
        await bot._do_post(endpoint, ExtBot._merge_api_rl_kwargs(params, UNREAD) or params)
    finally:
        UNREAD_REPLY.reset(token)


def _message(text: str, keys: vw.Keyboard | None) -> dict[str, Any]:
    """What sendMessage and editMessageText share (PTB's _send_message adds the same optional parameters)."""
    return {
        "text": text,
        "parse_mode": DEFAULT_NONE,
        "disable_notification": DEFAULT_NONE,
        "protect_content": DEFAULT_NONE,
        "link_preview_options": DEFAULT_NONE,
        "reply_markup": keyboard(keys) if keys else None,
    }


async def send_unread(bot: Bot, chat_id: int, text: str, keys: vw.Keyboard | None = None) -> None:
    """sendMessage in HTML (the application's default parse mode)."""
    await _post(bot, "sendMessage", {"chat_id": chat_id, **_message(text, keys)})


async def edit_unread(query: CallbackQuery, text: str, keys: vw.Keyboard | None = None) -> None:
    """editMessageText of the message the pressed button sits on."""
    message = query.message
    assert message is not None
    data = {"chat_id": message.chat.id, "message_id": message.message_id, **_message(text, keys)}
    await _post(query.get_bot(), "editMessageText", data)


async def answer_unread(query: CallbackQuery, text: str | None = None, *, alert: bool | None = None) -> None:
    """answerCallbackQuery: stops the button's spinner, with a pop-up when `text` is given."""
    data = {"callback_query_id": query.id, "text": text, "show_alert": alert}
    await _post(query.get_bot(), "answerCallbackQuery", data)
