"""Concurrent across users, strictly in order within one user."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def update_key(update: object) -> int | str:
    """Who an update belongs to: its user, else its chat, else nobody in particular."""
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return f"chat:{update.effective_chat.id}"
        return f"update:{update.update_id}"
    return f"object:{id(update)}"


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """PTB starts one task per update in arrival order. Each task takes its user's lock before yielding
    to the loop even once, and asyncio locks are FIFO, so one user's updates run in arrival order while
    other users' run alongside. The semaphore PTB wraps around us is sized so it never queues; the real
    bound on concurrent work is our own, taken after the user's lock so a busy user cannot hold slots."""

    __slots__ = ("_limit", "_locks", "_on_done", "_waiting")

    def __init__(self, max_concurrent_updates: int, on_done: Callable[[int], None] | None = None) -> None:
        super().__init__(max_concurrent_updates=1_000_000)
        self._on_done = on_done
        self._limit = asyncio.BoundedSemaphore(max_concurrent_updates)
        self._locks: dict[int | str, asyncio.Lock] = {}
        self._waiting: dict[int | str, int] = {}

    @property
    def user_limit(self) -> int:
        return self._limit._value

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = update_key(update)
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock, self._limit:
                await coroutine
            if self._on_done is not None and isinstance(update, Update):
                self._on_done(update.update_id)
        finally:
            # Drop the lock once nobody holds or waits for it, so memory stays flat with many users.
            self._waiting[key] -= 1
            if self._waiting[key] == 0:
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
