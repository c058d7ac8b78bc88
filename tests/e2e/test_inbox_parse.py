"""A fetched batch of updates is parsed once: the inbox parses it to store it first, and hands PTB the result."""

from __future__ import annotations

from typing import Any

import pytest

from bot.tg.http import ApiRequest
from tests.support.helpers import Harness


async def test_ptb_does_not_parse_a_stored_batch_again(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[bytes] = []
    original = ApiRequest.parse_json_payload

    def counting(payload: bytes) -> Any:
        parsed.append(payload)
        return original(payload)

    monkeypatch.setattr(ApiRequest, "parse_json_payload", staticmethod(counting))
    shown = await harness.chat(77).say("/whoami")
    assert "77" in shown.text  # the update was fetched, stored and handled
    # The batch was parsed (by the inbox) before the update was handled, so before the reply was shown: PTB
    # never parsed it again. (The bot's own reply, read by nobody, is not parsed either: test_unread_parse.py.)
    assert [p for p in parsed if b'"update_id"' in p] == []
