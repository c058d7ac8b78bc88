"""XCHECK_FLOOD_LIMIT=0 switches the flood gate off for replies; bulk messages keep their pace and a 429
still pauses everything."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from telegram.error import RetryAfter

from bot.clock import FrozenClock
from bot.config import Settings
from bot.tg.floodgate import FloodGate
from tests.support.helpers import T0


async def _ok() -> dict[str, Any]:
    return {}


async def _too_many() -> dict[str, Any]:
    raise RetryAfter(timedelta(seconds=3))


async def _send(gate: FloodGate, *, bulk: bool = False) -> None:
    await gate.process_request(_ok, (), {}, "sendMessage", {}, {"bulk": True} if bulk else None)


def _settings(tmp_path: Path, limit: str) -> Settings:
    return Settings(bot_token="1:x", data_dir=tmp_path, flood_limit=limit, _env_file=None)  # type: ignore[arg-type]


def test_zero_switches_the_gate_off_and_values_up_to_one_are_refused(tmp_path: Path) -> None:
    assert _settings(tmp_path, "0").flood_limit == 0
    assert _settings(tmp_path, "29").flood_limit == 29
    with pytest.raises(ValidationError, match="flood_limit"):
        _settings(tmp_path, "0.5")


async def test_with_the_gate_off_replies_are_never_held_back() -> None:
    clock = FrozenClock(T0)
    gate = FloodGate(cap=0, bulk_rate=20, clock=clock)
    for _ in range(500):
        await _send(gate)
    assert clock.slept == 0.0


async def test_with_the_gate_off_bulk_messages_keep_their_pace() -> None:
    clock = FrozenClock(T0)
    gate = FloodGate(cap=0, bulk_rate=20, clock=clock)
    for _ in range(41):
        await _send(gate, bulk=True)
    # 41 bulk messages at 20/s: the last one goes out 2 s after the first.
    assert clock.slept == pytest.approx(2.0)


async def test_with_the_gate_off_a_429_still_pauses_replies() -> None:
    clock = FrozenClock(T0)
    gate = FloodGate(cap=0, bulk_rate=20, clock=clock)
    with pytest.raises(RetryAfter):
        await gate.process_request(_too_many, (), {}, "sendMessage", {}, None)
    await _send(gate)
    assert clock.slept == pytest.approx(3.0)


async def test_the_default_gate_still_paces_replies() -> None:
    clock = FrozenClock(T0)
    gate = FloodGate(cap=29, bulk_rate=20, clock=clock)
    for _ in range(30):
        await _send(gate)
    assert clock.slept == pytest.approx(1.0)
