"""Walk screens are sent without PTB building a Message from Telegram's reply (nobody reads it)."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Message

from bot.clock import FrozenClock
from bot.tg.floodgate import UNREAD, FloodGate
from tests.support.helpers import T0, Harness

SCHOOL = "安徽工商职业学院"
CERTS = {"Web前端开发": ("腾讯云计算（北京）有限责任公司", SCHOOL)}


async def test_the_gate_hands_ptb_true_for_an_unread_reply_and_the_reply_otherwise() -> None:
    gate = FloodGate(cap=29, bulk_rate=20, clock=FrozenClock(T0))
    reply = {"message_id": 7}

    async def call() -> dict[str, Any]:
        return reply

    assert await gate.process_request(call, (), {}, "sendMessage", {}, UNREAD) is True
    assert await gate.process_request(call, (), {}, "sendMessage", {}, None) is reply


async def test_a_typed_answer_builds_no_message_from_the_bots_own_reply(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await harness.certify(CERTS, {SCHOOL: [("Web前端开发", 150)]})
    await harness.bind(600, "coordinator", SCHOOL)
    chat = harness.chat(600)
    await chat.tap(await chat.say("/menu"), "继续填报")
    built: list[dict[str, Any]] = []
    original = Message.de_json.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Message], data: dict[str, Any] | None, bot: Any = None) -> Message | None:
        if data is not None:
            built.append(data)
        return original(cls, data, bot)  # type: ignore[no-any-return]

    monkeypatch.setattr(Message, "de_json", classmethod(counting))
    shown = await chat.say("120")
    assert "请核对" in shown.text
    # Only the incoming message was built; the bot's own screen came back as plain JSON and was left alone.
    assert [m["from"]["is_bot"] for m in built] == [False]
