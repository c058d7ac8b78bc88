"""The flood gate: PTB's rate limiter for this bot.

Telegram allows a bot about 30 messages a second overall and answers 429 beyond it, and PTB's own limiter
pauses everything on a retry. Here every outgoing message (send*, copy, forward) takes a slot from one
schedule that stays under the cap. Bulk messages (broadcasts, reminders; rate_limit_args={"bulk": True})
are paced at their configured rate and get that share reserved; interactive replies get the rest of the
cap, or all of it when nothing bulk is going out. A 429 pauses both schedules for retry_after. Edits and
callback answers are not messages and are not paced, but they too wait out a 429's pause.
rate_limit_args={"on_slot": coroutine function} is awaited once the slot is granted, right before the call.

A cap of 0 switches the gate off for interactive replies (XCHECK_FLOOD_LIMIT=0: benchmarks, or a self-hosted
Bot API server with limits of its own); bulk messages keep their pace and a 429 still pauses everything.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.clock import Clock

MESSAGES = ("send", "copyMessage", "forwardMessage")
# rate_limit_args for a call whose reply nobody reads: the gate hands PTB `True` instead of the returned
# message, so PTB skips building a Message object from it (13% of a walk update's CPU was spent so).
UNREAD: dict[str, Any] = {"unread": True}
BULK_WINDOW = 1.5  # seconds after a bulk message during which its share stays reserved


class FloodGate(BaseRateLimiter[dict[str, Any]]):
    def __init__(self, *, cap: float, bulk_rate: float, clock: Clock) -> None:
        if cap and bulk_rate >= cap:
            raise ValueError("the bulk rate must leave room under the cap for interactive replies")
        self.cap = cap
        self.bulk_rate = bulk_rate
        self.clock = clock
        self._next_interactive = 0.0
        self._next_bulk = 0.0
        self._last_bulk = float("-inf")
        self._paused_until = float("-inf")
        self.paused = 0.0  # seconds spent paused on 429s, for the delivery report and tests

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    def pause(self, seconds: float) -> None:
        until = self.clock.monotonic() + seconds
        self._paused_until = max(self._paused_until, until)
        self._next_interactive = max(self._next_interactive, until)
        self._next_bulk = max(self._next_bulk, until)
        self.paused += seconds

    def _slot(self, bulk: bool) -> float:
        now = self.clock.monotonic()
        if bulk:
            self._last_bulk = now
            slot = max(now, self._next_bulk)
            self._next_bulk = slot + 1.0 / self.bulk_rate
            return slot - now
        if not self.cap:
            return max(0.0, self._next_interactive - now)  # off: only a 429's pause holds replies back
        reserved = self.bulk_rate if now - self._last_bulk < BULK_WINDOW else 0.0
        slot = max(now, self._next_interactive)
        self._next_interactive = slot + 1.0 / (self.cap - reserved)
        return slot - now

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if endpoint.startswith(MESSAGES):
            wait = self._slot(bool(rate_limit_args and rate_limit_args.get("bulk")))
            if wait > 0:
                await self.clock.sleep(wait)
        elif (wait := self._paused_until - self.clock.monotonic()) > 0:
            # Edits and answers are not paced, but after a 429 they too wait until Telegram said to retry.
            await self.clock.sleep(wait)
        # The caller's record that the call is about to be made (an outbox row's 'sending'), written only
        # once the slot is granted: a crash while waiting leaves nothing that looks possibly sent.
        on_slot = rate_limit_args.get("on_slot") if rate_limit_args else None
        if on_slot is not None:
            await on_slot()
        try:
            result = await callback(*args, **kwargs)
        except RetryAfter as exc:
            value = exc.retry_after
            self.pause(value.total_seconds() if isinstance(value, timedelta) else float(value))
            raise
        if rate_limit_args and rate_limit_args.get("unread"):
            return True
        return result
