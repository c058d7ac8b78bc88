"""The one place the current time comes from, so tests can move time without sleeping."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta


class Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class FrozenClock(Clock):
    """A clock that only moves when told to, or when something sleeps on it (tests and benchmarks)."""

    def __init__(self, at: datetime) -> None:
        self._at = at
        self.slept = 0.0

    def now(self) -> datetime:
        return self._at

    def monotonic(self) -> float:
        return self._at.timestamp()

    async def sleep(self, seconds: float) -> None:
        self.slept += max(0.0, seconds)
        self._at += timedelta(seconds=max(0.0, seconds))
        await asyncio.sleep(0)

    def advance(self, delta: timedelta) -> None:
        self._at += delta

    def set(self, at: datetime) -> None:
        self._at = at
