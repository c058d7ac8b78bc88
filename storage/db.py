"""The SQLite database: one writer connection, one reader connection, versioned migrations."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

import aiosqlite

from storage.rows import first as _first


class AlreadyApplied(Exception):
    """This Telegram update was applied before (Telegram re-delivers unconfirmed updates)."""


def _migrations() -> list[tuple[int, str]]:
    files = resources.files("storage") / "migrations"
    found = []
    for entry in files.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8")))
    return sorted(found)


class Database:
    """Writes are serialised through one connection and one lock; reads use a second connection.

    WAL lets the reader see only committed data, so a read never observes another task's half-done
    transaction even though both connections live in the same event loop.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        # Telegram re-delivers only updates fetched before a crash: ids up to the highest applied when we
        # started. Newer ids cannot have been applied, so they need no look-up.
        self.replay_horizon = 0

    async def connect(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = await self._open()
        await self._writer.execute("PRAGMA journal_mode = WAL")
        await self.migrate()
        self._reader = await self._open()
        rows = await self._reader.execute_fetchall("SELECT IFNULL(MAX(update_id), 0) FROM processed_updates")
        self.replay_horizon = int(next(iter(rows))[0])

    async def _open(self) -> aiosqlite.Connection:
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        conn.row_factory = sqlite3.Row
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA busy_timeout = 5000")
        # NORMAL is durable in WAL mode except for the last commits on power loss, not on a crash.
        await conn.execute("PRAGMA synchronous = NORMAL")
        return conn

    async def close(self) -> None:
        for conn in (self._reader, self._writer):
            if conn is not None:
                await conn.close()
        self._reader = self._writer = None

    async def migrate(self) -> int:
        conn = self.writer
        row = _first(await conn.execute_fetchall("PRAGMA user_version"))
        current = int(row[0]) if row else 0
        for version, sql in _migrations():
            if version <= current:
                continue
            # executescript commits first; wrapping the file in BEGIN/COMMIT makes each step atomic.
            await conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
            current = version
        return current

    async def schema_version(self) -> int:
        row = _first(await self.read.execute_fetchall("PRAGMA user_version"))
        return int(row[0]) if row else 0

    @property
    def writer(self) -> aiosqlite.Connection:
        if self._writer is None:
            raise RuntimeError("database is not connected")
        return self._writer

    @property
    def read(self) -> aiosqlite.Connection:
        if self._reader is None:
            raise RuntimeError("database is not connected")
        return self._reader

    @asynccontextmanager
    async def transaction(self, *, update_id: int | None = None, at: str = "") -> AsyncIterator[aiosqlite.Connection]:
        """One atomic write. With update_id, the update is recorded as applied in the same commit,
        so a re-delivered update raises AlreadyApplied instead of applying twice."""
        async with self._write_lock:
            conn = self.writer
            await conn.execute("BEGIN IMMEDIATE")
            try:
                if update_id is not None:
                    cur = await conn.execute(
                        "INSERT OR IGNORE INTO processed_updates (update_id, at) VALUES (?, ?)",
                        (update_id, at),
                    )
                    if cur.rowcount == 0:
                        raise AlreadyApplied(update_id)
                yield conn
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            else:
                await conn.execute("COMMIT")

    async def forget_applied_before(self, at: str) -> int:
        """Telegram keeps an undelivered update for at most 24 hours, so older ids can never come back."""
        async with self.transaction() as conn:
            cur = await conn.execute("DELETE FROM processed_updates WHERE at < ? AND at != ''", (at,))
            return cur.rowcount

    async def was_applied(self, update_id: int) -> bool:
        if update_id > self.replay_horizon:
            return False
        return bool(
            await self.read.execute_fetchall("SELECT 1 FROM processed_updates WHERE update_id = ?", (update_id,))
        )

    async def backup_to(self, target: Path) -> None:
        """A consistent copy through SQLite's online backup, safe while the bot runs."""
        target.parent.mkdir(parents=True, exist_ok=True)
        dest = await aiosqlite.connect(target)
        try:
            async with self._write_lock:
                await self.writer.backup(dest)
        finally:
            await dest.close()
