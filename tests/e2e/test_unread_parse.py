"""A press carries only what is read of the pressed message, and a screen's reply nobody reads is not parsed."""

from __future__ import annotations

from typing import Any

import pytest
from telegram.error import BadRequest
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bench.standin import StandIn
from bot.tg.http import UNREAD_REPLY, ApiRequest
from bot.tg.inbox import lighten
from tests.support.helpers import Harness

SCHOOL = "安徽工商职业学院"
CERTS = {"Web前端开发": ("腾讯云计算（北京）有限责任公司", SCHOOL)}


def test_a_press_keeps_of_its_message_only_the_chat_the_id_and_the_date() -> None:
    chat = {"id": 600, "type": "private", "first_name": "测试"}
    keyboard = {"inline_keyboard": [[{"text": "是", "callback_data": "x"}, {"text": "否", "callback_data": "y"}]]}
    press = {
        "update_id": 9,
        "callback_query": {
            "id": "q1",
            "from": {"id": 600, "is_bot": False, "first_name": "测试"},
            "chat_instance": "600",
            "data": "x",
            "message": {
                "message_id": 5,
                "date": 1700000000,
                "chat": chat,
                "from": {"id": 1, "is_bot": True, "first_name": "xcheck"},
                "text": "监测点 1",
                "entities": [{"type": "bold", "offset": 0, "length": 3}],
                "reply_markup": keyboard,
            },
        },
    }
    assert lighten(press) == {
        "update_id": 9,
        "callback_query": {
            "id": "q1",
            "from": {"id": 600, "is_bot": False, "first_name": "测试"},
            "chat_instance": "600",
            "data": "x",
            "message": {"message_id": 5, "date": 1700000000, "chat": chat},
        },
    }
    inaccessible = {
        "update_id": 10,
        "callback_query": {"id": "q2", "message": {"message_id": 5, "date": 0, "chat": chat}},
    }
    typed = {"update_id": 11, "message": {"message_id": 6, "date": 1, "chat": chat, "text": "120"}}
    assert lighten(inaccessible) == {
        "update_id": 10,
        "callback_query": {"id": "q2", "message": {"message_id": 5, "date": 0, "chat": chat}},
    }
    assert lighten(typed) == {"update_id": 11, "message": {"message_id": 6, "date": 1, "chat": chat, "text": "120"}}


async def test_a_walk_screen_edited_on_a_press_is_not_parsed(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    await harness.certify(CERTS, {SCHOOL: [("Web前端开发", 150)]})
    await harness.bind(600, "coordinator", SCHOOL)
    chat = harness.chat(600)
    menu = await chat.say("/menu")
    parsed: list[bytes] = []
    original = ApiRequest.parse_json_payload

    def counting(payload: bytes) -> Any:
        parsed.append(payload)
        return original(payload)

    monkeypatch.setattr(ApiRequest, "parse_json_payload", staticmethod(counting))
    shown = await chat.tap(menu, "继续填报")
    assert "监测点" in shown.text
    assert [c.method for c in harness.standin.calls[-2:]] in (
        ["answerCallbackQuery", "editMessageText"],
        ["editMessageText", "answerCallbackQuery"],
    )
    # The edited screen came back from the stand-in as a whole message; nothing parsed one.
    assert [p for p in parsed if b'"message_id"' in p] == []


async def _post(standin: StandIn, method: str, params: dict[str, Any]) -> Any:
    request = ApiRequest()
    await request.initialize()
    try:
        data = RequestData([RequestParameter.from_input(k, v) for k, v in params.items()])
        return await request.post(f"{standin.base_url}{standin.token}/{method}", data)
    finally:
        await request.shutdown()


async def test_an_unread_call_still_returns_true_and_its_refusal_still_says_why(harness: Harness) -> None:
    standin = harness.standin
    standin.expect_refusal("message to edit not found")
    token = UNREAD_REPLY.set(True)
    try:
        assert await _post(standin, "sendMessage", {"chat_id": 600, "text": "你好"}) is True
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await _post(standin, "editMessageText", {"chat_id": 600, "message_id": 999, "text": "新"})
    finally:
        UNREAD_REPLY.reset(token)
    # Read calls get the reply as before.
    sent = await _post(standin, "sendMessage", {"chat_id": 600, "text": "再见"})
    assert (sent["chat"]["id"], sent["text"]) == (600, "再见")
