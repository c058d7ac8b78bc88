"""A fetched batch of updates is parsed once: the inbox parses it to store it first, and hands PTB the result."""

from __future__ import annotations

from typing import Any

import pytest

from bot.tg.http import AiohttpRequest
from tests.support.helpers import Harness


async def test_ptb_does_not_parse_a_stored_batch_again(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[bytes] = []
    original = AiohttpRequest.parse_json_payload

    def counting(payload: bytes) -> Any:
        parsed.append(payload)
        return original(payload)

    monkeypatch.setattr(AiohttpRequest, "parse_json_payload", staticmethod(counting))
    shown = await harness.chat(77).say("/whoami")
    assert "77" in shown.text  # the update was fetched, stored and handled
    # PTB parses the bot's own reply (after the stand-in has shown it), but never a fetched batch again.
    await harness.standin.wait_for(lambda: any(b'"message_id"' in p for p in parsed), timeout=10)
    assert [p for p in parsed if b'"update_id"' in p] == []
