"""Nothing confirmed to Telegram is lost in a crash.

PTB confirms a batch of updates (through the offset of its next getUpdates) as soon as it has queued them,
before they are handled. So each fetched batch is written to the inbox table before getUpdates returns to
PTB, each handled update is deleted (in small batches), and at start-up whatever is left is handled first.
Updates that changed data are recorded in processed_updates in the same commit as the change, so a replay
never applies anything twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.tg.http import ApiRequest
from storage import Busy, Database
from storage import inbox as store

log = logging.getLogger("xcheck.inbox")
FLUSH_EVERY = 0.5  # seconds
BUSY_RETRY = 0.2  # seconds between attempts to store a fetched batch while the database is busy
# What the bot reads of the message a pressed button sits on: which chat and which message (to edit it), and
# its date (PTB tells an inaccessible message, date 0, from an accessible one by it).
PRESSED_KEPT = ("message_id", "date", "chat")


def lighten(update: dict[str, Any]) -> dict[str, Any]:
    """A button press arrives with the whole message it sits on: its text, formatting, sender and keyboard.
    Nothing reads those (handlers read the chat and the message id), and PTB built an object for each part
    (the keyboard one per button) for every press: the pressed message keeps only what is read. Anything else
    is left as it came."""
    query = update.get("callback_query")
    if query is not None:
        message = query.get("message")
        if message is not None:
            query["message"] = {k: message[k] for k in PRESSED_KEPT if k in message}
    return update


class InboxRequest(ApiRequest):
    """The request class for getUpdates: it stores each batch before handing it to PTB."""

    __slots__ = ("_db", "_parsed")

    def __init__(self, db: Database, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._db = db
        # The last batch as parsed here, handed to PTB so it does not parse the same bytes again.
        self._parsed: tuple[bytes, Any] | None = None

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        status, payload = await super().do_request(url, method, *args, **kwargs)
        self._parsed = None
        if status == 200 and url.endswith("/getUpdates"):
            parsed = json.loads(payload)
            self._parsed = (payload, parsed)
            result = parsed.get("result") or []
            for update in result:
                lighten(update)
            if result:
                await self._store(result)
        return status, payload

    def parse_json_payload(self, payload: bytes) -> Any:  # type: ignore[override]
        """PTB's hook for parsing a reply (a static method there): the batch just stored is not parsed twice."""
        parsed, self._parsed = self._parsed, None
        if parsed is not None and parsed[0] is payload:
            return parsed[1]
        return ApiRequest.parse_json_payload(payload)

    async def _store(self, result: list[dict[str, Any]]) -> None:
        # Nothing may reach PTB (which confirms it to Telegram) before it is stored. While another process
        # holds the write lock, polling waits here without blocking the loop; updates already taken in
        # are answered meanwhile (or told the database is busy).
        while True:
            try:
                async with self._db.transaction() as conn:
                    await store.add(conn, result)
                return
            except Busy:
                log.warning("database busy: %d fetched update(s) wait to be stored", len(result))
                await asyncio.sleep(BUSY_RETRY)


class Inbox:
    """Collects handled update ids and deletes them from the inbox in batches."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._handled: list[int] = []
        self._task: asyncio.Task[None] | None = None
        # Ids replayed from the inbox at start-up: if Telegram delivers one again, it is dropped.
        self.replaying: set[int] = set()
        self.replayed: set[int] = set()

    def handled(self, update_id: int) -> None:
        self._handled.append(update_id)

    def first_sight(self, update_id: int) -> bool:
        """False for a second delivery of an update already replayed from the inbox."""
        if update_id in self.replayed:
            return False
        if update_id in self.replaying:
            self.replaying.discard(update_id)
            self.replayed.add(update_id)
        return True

    async def flush(self) -> None:
        if not self._handled:
            return
        ids, self._handled = self._handled, []
        try:
            async with self.db.transaction() as conn:
                await store.done(conn, ids)
        except Busy:
            # Another process holds the database: keep the ids for the next flush (one transaction each).
            self._handled[:0] = ids
            log.warning("database busy: %d handled update id(s) wait to be cleared", len(ids))

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(FLUSH_EVERY)
            try:
                await self.flush()
            except Exception:  # the next flush retries; an id left behind is only replayed harmlessly
                log.exception("inbox flush failed")

    async def start(self, application: Application) -> int:  # type: ignore[type-arg]
        """Queues what a crash left unhandled, ahead of anything new, and starts flushing."""
        left = await store.pending(self.db.read)
        for payload in left:
            update = Update.de_json(lighten(payload), application.bot)
            self.replaying.add(update.update_id)
            await application.update_queue.put(update)
        self._task = asyncio.create_task(self._run(), name="xcheck.inbox")
        return len(left)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.flush()
