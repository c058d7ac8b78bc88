"""The quiet calls (handlers/quiet.py) post their parameters directly: Telegram must get exactly what PTB's
own send_message, edit_message_text and answer_callback_query send, with the application's Defaults."""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, Message, User

from bot.core import buttons as bt
from bot.core import views as vw
from handlers.adapter import markup
from handlers.quiet import answer_unread, edit_unread, keyboard, send_unread
from tests.support.helpers import Harness

CHAT = 4242
TEXT = "<b>第1部分 / 共10部分 · 监测点 1 ★</b>\n院校年度总报考率 &lt;示例&gt;"


def _keys(n: int) -> vw.Keyboard:
    """A core keyboard with button data and a link, as the walk, the menu and the invitations send them."""
    return vw.Keyboard.of(
        [
            [vw.Button("是", bt.Walk(n, "s1p1", "yn", 1)), vw.Button("📋 目录", bt.Menu("secs", n))],
            [vw.Button("网页版", url="https://example.org/start/abc")],
            [vw.Button('⬅️ 上一项 <返回> & "引号"', bt.Walk(n, "s1p1", "back"))],
        ]
    )


def _last_two(harness: Harness, method: str) -> tuple[dict[str, Any], dict[str, Any]]:
    calls = harness.standin.calls_to(method)
    assert len(calls) >= 2
    return calls[-2].params, calls[-1].params


def test_the_keyboard_is_what_ptb_serialises() -> None:
    keys = _keys(7)
    ptb = markup(keys)
    assert ptb is not None
    assert keyboard(keys) == ptb.to_dict()
    data = bt.Menu("secs", 3).pack()
    assert keyboard(vw.Keyboard.of([[vw.Button("📋 目录", bt.Menu("secs", 3))]])) == {
        "inline_keyboard": [[{"text": "📋 目录", "callback_data": data}]]
    }
    link = vw.Keyboard.of([[vw.Button("网页版", url="https://example.org/w/x")]])
    assert keyboard(link) == {"inline_keyboard": [[{"text": "网页版", "url": "https://example.org/w/x"}]]}


async def test_a_quiet_send_posts_what_send_message_posts(harness: Harness) -> None:
    assert harness.app is not None
    bot = harness.app.bot
    await bot.send_message(CHAT, TEXT, reply_markup=markup(_keys(1)))
    await send_unread(bot, CHAT, TEXT, _keys(1))
    ptb, quiet = _last_two(harness, "sendMessage")
    assert quiet == ptb
    assert quiet["parse_mode"] == "HTML"  # the application's default, applied to the quiet call too
    await bot.send_message(CHAT, "没有按钮")
    await send_unread(bot, CHAT, "没有按钮")
    ptb, quiet = _last_two(harness, "sendMessage")
    assert quiet == ptb
    await bot.send_message(CHAT, "空键盘", reply_markup=markup(vw.Keyboard()))
    await send_unread(bot, CHAT, "空键盘", vw.Keyboard())
    ptb, quiet = _last_two(harness, "sendMessage")
    assert quiet == ptb


async def test_a_quiet_edit_posts_what_edit_message_text_posts(harness: Harness) -> None:
    assert harness.app is not None
    bot = harness.app.bot
    sent = await bot.send_message(CHAT, TEXT, reply_markup=markup(_keys(1)))
    assert isinstance(sent, Message)
    query = CallbackQuery("q1", User(CHAT, "甲", False), "chat-instance", message=sent)
    query.set_bot(bot)
    await bot.edit_message_text("第一次", chat_id=CHAT, message_id=sent.message_id, reply_markup=markup(_keys(2)))
    await edit_unread(query, "第二次", _keys(3))
    ptb, quiet = _last_two(harness, "editMessageText")
    assert {**quiet, "text": None, "reply_markup": None} == {**ptb, "text": None, "reply_markup": None}
    three = markup(_keys(3))
    assert three is not None
    assert (quiet["text"], quiet["reply_markup"]) == ("第二次", three.to_dict())


async def test_a_quiet_answer_posts_what_answer_callback_query_posts(harness: Harness) -> None:
    assert harness.app is not None
    bot = harness.app.bot
    queries = []
    for n in range(4):
        query = CallbackQuery(f"q{n}", User(CHAT, "甲", False), "chat-instance")
        query.set_bot(bot)
        queries.append(query)
    await queries[0].answer()
    await answer_unread(queries[1])
    ptb, quiet = _last_two(harness, "answerCallbackQuery")
    assert (ptb, quiet) == ({"callback_query_id": "q0"}, {"callback_query_id": "q1"})
    await queries[2].answer("没有权限", show_alert=True)
    await answer_unread(queries[3], "没有权限", alert=True)
    ptb, quiet = _last_two(harness, "answerCallbackQuery")
    assert {**quiet, "callback_query_id": "q2"} == ptb
