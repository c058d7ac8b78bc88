"""A pacing gate for bulk sends (broadcasts, reminders), so interactive replies keep their share of the
bot's ~30 messages per second. A 429's retry_after pauses the whole gate."""

from __future__ import annotations

from bot.clock import Clock


class Throttle:
    def __init__(self, rate: float, clock: Clock) -> None:
        self.interval = 1.0 / rate
        self.clock = clock
        self._next = 0.0

    async def acquire(self) -> None:
        now = self.clock.monotonic()
        wait = self._next - now
        self._next = max(now, self._next) + self.interval
        if wait > 0:
            await self.clock.sleep(wait)

    def pause(self, seconds: float) -> None:
        self._next = max(self._next, self.clock.monotonic() + seconds)
