"""The SQLite database: one writer connection, one reader connection, versioned migrations.

The walk's transactions are short (all the SQL of a typed answer costs well under 0.1 ms), so they run
with sqlite3 directly on the event loop: handing each statement to aiosqlite's thread cost about 50 µs of
CPU per round trip, several times the SQL itself. The connections keep aiosqlite's interface
(LoopConnection), so every storage module works unchanged. Exports, backups and other large reads use
`bulk`, an aiosqlite connection whose work runs on its own thread.

Another process (the CLI, a backup) may hold SQLite's write lock. The on-loop connections wait for it
only briefly (BUSY_TIMEOUT_MS, a blocking wait); a transaction then retries without blocking the loop
until BUSY_BUDGET has passed and raises Busy, which the bot answers with "busy, send it again".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite
from aiosqlite.context import Result

from storage.rows import first as _first

_log = logging.getLogger("xcheck.storage")

BUSY_TIMEOUT_MS = 50  # the longest the event loop itself ever waits on another process's lock
BUSY_BUDGET = 2.0  # seconds a transaction keeps retrying (without blocking the loop) before Busy
BULK_BUSY_TIMEOUT_MS = 5000  # the bulk connection waits on its own thread, so it may wait longer
CHECKPOINT_EVERY = 1.0  # seconds between WAL checkpoints on the bulk connection's thread (the running bot)


class AlreadyApplied(Exception):
    """This Telegram update was applied before (Telegram re-delivers unconfirmed updates)."""


class Busy(Exception):
    """Another process held the database's write lock for longer than the bot waits; nothing was written."""


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or (
        "locked" in str(exc)
    )


def _migrations() -> list[tuple[int, str]]:
    files = resources.files("storage") / "migrations"
    found = []
    for entry in files.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8")))
    return sorted(found)


def _configure(conn: sqlite3.Connection, busy_timeout_ms: int) -> None:
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    # NORMAL is durable in WAL mode except for the last commits on power loss, not on a crash.
    conn.execute("PRAGMA synchronous = NORMAL")


class Kept:
    """Rows kept in memory between updates by the one process that runs the bot (and its web channel): the
    person asking, where they stand (their cursor), and who a report is for (its unit, certificate and
    pilots). Every walk step read them all.

    How it stays true: in this process people, cursors and the roster are written only through
    storage/people.py, storage/web.py, storage/cursors.py and storage/roster.py, which forget what they write
    at once (so the writing transaction reads its own write from SQL) and keep the new row, or nothing, once
    it commits (nothing, if it rolls back); a row read from SQL is kept only once it is known committed and
    not being changed (`keep`). Another process's commit (the CLI, a hand edit) is seen in SQLite's
    data_version on the writer's connection, checked at the start of every update (`Database.fresh`, when the
    person asking is looked up): it forgets all."""

    def __init__(self) -> None:
        self.people: dict[int, Any] = {}
        self.cursors: dict[int, Any] = {}
        # Each report's unit, certificate and pilots (storage/reports.py), which only the roster changes
        # (storage/roster.py forgets them all when it writes).
        self.units: dict[int, Any] = {}
        self.version: int | None = None
        self.writer: sqlite3.Connection | None = None

    def keep(self, conn: aiosqlite.Connection, into: dict[int, Any], key: int, value: Any) -> None:
        """Keeps `value`, just read through `conn`, once it is known committed: at once while no transaction
        is open; when the open transaction commits if it was read inside it; never if it was read beside it
        (that transaction may be changing it)."""
        if self.writer is None or not self.writer.in_transaction:
            into[key] = value
        elif getattr(conn, "raw", None) is self.writer:
            conn.after_commit(partial(into.__setitem__, key, value))  # type: ignore[attr-defined]

    def forget(self) -> None:
        self.people.clear()
        self.cursors.clear()
        self.units.clear()


class LoopConnection(aiosqlite.Connection):
    """aiosqlite's Connection interface, executed directly on the calling thread (the event loop).

    Every aiosqlite method (execute, execute_fetchall, executemany, cursors...) funnels through
    `_execute`, which here simply calls sqlite3: no thread, no future. Only for short statements."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        super().__init__(lambda: conn, iter_chunk_size=64)
        self._connection = conn
        # What storage modules keep in memory for this connection (the writer's only; see Database.connect),
        # and what they do once the open transaction has committed (nothing, if it rolls back).
        self.memo: dict[str, Any] | None = None
        # ... and what they note about the open transaction alone (cleared when it ends, either way).
        self.txn_notes: dict[str, Any] = {}
        self._after_commit: list[Callable[[], None]] = []
        # The people, cursors and units kept in memory (Kept; shared by the writer's and the reader's connection).
        self.kept: Kept | None = None

    def after_commit(self, fn: Callable[[], None]) -> None:
        """Runs `fn` once the open transaction commits; dropped if it rolls back. Outside a transaction,
        at once."""
        if self._conn.in_transaction:
            self._after_commit.append(fn)
        else:
            fn()

    def _committed(self, ok: bool) -> None:
        done, self._after_commit = self._after_commit, []
        self.txn_notes = {}
        if ok:
            for fn in done:
                fn()

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self._connection is None:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    async def _fetchall(self, sql: str, parameters: Iterable[Any] | None) -> Iterable[sqlite3.Row]:
        if self._connection is None:
            raise ValueError("Connection closed")
        params = () if parameters is None else parameters
        return self._connection.execute(
            sql, params if isinstance(params, (tuple, list, dict)) else tuple(params)
        ).fetchall()

    def execute_fetchall(self, sql: str, parameters: Iterable[Any] | None = None) -> Result[Iterable[sqlite3.Row]]:
        # The hottest call of all: one coroutine instead of two.
        return Result(self._fetchall(sql, parameters))

    async def _execute_now(self, sql: str, parameters: Iterable[Any] | None) -> aiosqlite.Cursor:
        if self._connection is None:
            raise ValueError("Connection closed")
        return aiosqlite.Cursor(self, self._connection.execute(sql, [] if parameters is None else parameters))  # type: ignore[arg-type]

    def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> Result[aiosqlite.Cursor]:
        # Every write of a walk step: one coroutine instead of two, as execute_fetchall.
        return Result(self._execute_now(sql, parameters))

    async def close(self) -> None:
        conn, self._connection = self._connection, None
        self._running = False
        if conn is not None:
            conn.close()

    @property
    def raw(self) -> sqlite3.Connection:
        return self._conn


class ReadConnection(LoopConnection):
    """The short reads' connection. Each statement runs on the writer's connection while no transaction is
    open there, else on a connection of its own; either way it sees exactly what is committed.

    SQLite empties a connection's page cache whenever another connection has committed since its last read,
    so a reader of its own re-read every page (and took the shared-memory locks again) on the first read of
    each update, after the previous update's commit: a look-up by primary key cost four times one on the
    writer, whose own commits leave its cache warm."""

    def __init__(self, conn: sqlite3.Connection, writer: sqlite3.Connection) -> None:
        super().__init__(conn)
        self._writer_raw = writer

    async def _fetchall(self, sql: str, parameters: Iterable[Any] | None) -> Iterable[sqlite3.Row]:
        own = self._connection
        if own is None:
            raise ValueError("Connection closed")
        raw = own if self._writer_raw.in_transaction else self._writer_raw
        params = () if parameters is None else parameters
        return raw.execute(sql, params if isinstance(params, (tuple, list, dict)) else tuple(params)).fetchall()


class Database:
    """Writes are serialised through one connection and one lock; reads use a second connection while a
    transaction is open on the first, and the first (its cache warm) while none is.

    WAL lets the reader see only committed data, so a read never observes another task's half-done
    transaction even though both connections live in the same event loop. Both run on the event loop;
    `bulk` (a third connection, on its own thread) serves exports and other large reads.
    """

    def __init__(self, path: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS, busy_budget: float = BUSY_BUDGET) -> None:
        self.path = path
        self.busy_timeout_ms = busy_timeout_ms
        self.busy_budget = busy_budget
        self._writer: LoopConnection | None = None
        self._reader: ReadConnection | None = None
        self._bulk: aiosqlite.Connection | None = None
        self.kept = Kept()
        self._write_lock = asyncio.Lock()
        self._checkpoints: asyncio.Task[None] | None = None
        # After a transaction gave up on a lock another process held, the next ones try once without
        # waiting until this moment, so a queue of updates is answered at once rather than one by one.
        self._busy_until = 0.0
        # Telegram re-delivers only updates fetched before a crash: ids up to the highest applied when we
        # started. Newer ids cannot have been applied, so they need no look-up.
        self.replay_horizon = 0

    async def connect(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = self._open()
        self._writer.memo = {}
        self._writer.raw.execute("PRAGMA journal_mode = WAL")
        await self.migrate()
        own = sqlite3.connect(self.path, isolation_level=None)
        _configure(own, self.busy_timeout_ms)
        self._reader = ReadConnection(own, self._writer.raw)
        self.kept.forget()
        self._writer.kept = self._reader.kept = self.kept
        self.kept.writer = self._writer.raw
        self.fresh()
        rows = await self._reader.execute_fetchall("SELECT IFNULL(MAX(update_id), 0) FROM processed_updates")
        self.replay_horizon = int(next(iter(rows))[0])

    def fresh(self) -> Kept:
        """What is kept in memory, first forgotten if another process committed anything since the last
        look (PRAGMA data_version on the writer's connection: no table is read). Once per update."""
        version = int(self.writer.raw.execute("PRAGMA data_version").fetchone()[0])
        if version != self.kept.version:
            self.kept.forget()
            self.kept.version = version
        return self.kept

    def _open(self) -> LoopConnection:
        conn = sqlite3.connect(self.path, isolation_level=None)
        _configure(conn, self.busy_timeout_ms)
        return LoopConnection(conn)

    def start_checkpoints(self, every: float = CHECKPOINT_EVERY) -> None:
        """Moves WAL checkpoints (copying the log into the database file, with an fsync) off the event loop:
        the writer stops checkpointing on commit, and a task has the bulk connection's thread do it."""
        if self._checkpoints is not None:
            return
        self.writer.raw.execute("PRAGMA wal_autocheckpoint = 0")
        self._checkpoints = asyncio.create_task(self._checkpoint_loop(every), name="xcheck.checkpoints")

    async def checkpoint(self) -> None:
        """A passive checkpoint on the bulk connection's thread: it never waits for, or blocks, the writer."""
        await (await self.bulk()).execute_fetchall("PRAGMA wal_checkpoint(PASSIVE)")

    async def _checkpoint_loop(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await self.checkpoint()
            except sqlite3.Error as exc:  # the next round retries; until then the log only grows
                _log.warning("WAL checkpoint failed: %s", exc)

    async def close(self) -> None:
        task, self._checkpoints = self._checkpoints, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for conn in (self._reader, self._writer, self._bulk):
            if conn is not None:
                await conn.close()
        self._reader = self._writer = self._bulk = None

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
    def writer(self) -> LoopConnection:
        if self._writer is None:
            raise RuntimeError("database is not connected")
        return self._writer

    @property
    def read(self) -> LoopConnection:
        """Short reads, on the event loop: execute_fetchall on the writer's connection when it is idle
        (ReadConnection); anything else (cursors) on the reader's own."""
        if self._reader is None:
            raise RuntimeError("database is not connected")
        return self._reader

    async def bulk(self) -> aiosqlite.Connection:
        """Large reads (exports, national progress views) on a thread of their own, off the event loop."""
        if self._writer is None:
            raise RuntimeError("database is not connected")
        if self._bulk is None:

            def connector() -> sqlite3.Connection:
                conn = sqlite3.connect(self.path, isolation_level=None)
                _configure(conn, BULK_BUSY_TIMEOUT_MS)
                return conn

            opened = await aiosqlite.Connection(connector, iter_chunk_size=256)
            if self._writer is None:  # closed while its thread was opening it: its thread must not outlive us
                await opened.close()
                raise RuntimeError("database is not connected")
            if self._bulk is None:
                self._bulk = opened
            else:  # another task opened one meanwhile
                await opened.close()
        return self._bulk

    async def _begin(self, conn: LoopConnection) -> None:
        """BEGIN IMMEDIATE, waiting on another process's write lock without stalling the loop."""
        raw = conn.raw
        now = time.monotonic()
        if now < self._busy_until:
            # Just gave up on this lock: one attempt that does not wait at all.
            raw.execute("PRAGMA busy_timeout = 0")
            try:
                raw.execute("BEGIN IMMEDIATE")
                self._busy_until = 0.0
                return
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc):
                    raise
                raise Busy(str(self.path)) from exc
            finally:
                raw.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
        deadline = now + self.busy_budget
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc):
                    raise
                now = time.monotonic()
                if now >= deadline:
                    self._busy_until = now + self.busy_budget
                    raise Busy(str(self.path)) from exc
            await asyncio.sleep(min(0.05, max(0.0, deadline - now)))

    def transaction(self, *, update_id: int | None = None, at: str = "") -> Transaction:
        """One atomic write. With update_id, the update is recorded as applied in the same commit,
        so a re-delivered update raises AlreadyApplied instead of applying twice.

        Raises Busy (nothing written) when another process holds the write lock for longer than the
        bot waits."""
        return Transaction(self, update_id, at)

    async def forget_applied_before(self, at: str) -> int:
        """Telegram keeps an undelivered update for at most 24 hours, so older ids can never come back.
        The index on processed_updates(at) (migration 0013) makes this a range delete, not a scan."""
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
        """A consistent copy through SQLite's online backup, safe while the bot runs.

        It runs on a thread with connections of its own, in one step (one read transaction, so one
        consistent snapshot in WAL mode); the bot keeps writing meanwhile."""
        target.parent.mkdir(parents=True, exist_ok=True)

        def copy() -> None:
            source = sqlite3.connect(self.path)
            dest = sqlite3.connect(target)
            try:
                source.execute(f"PRAGMA busy_timeout = {BULK_BUSY_TIMEOUT_MS}")
                source.backup(dest)
            finally:
                dest.close()
                source.close()

        await asyncio.to_thread(copy)


class Transaction:
    """`async with db.transaction(...) as conn`: the write lock, BEGIN IMMEDIATE (and the update id), then
    COMMIT, or ROLLBACK if the body raised. A class rather than an async generator: every walk step opens
    one, and the generator's machinery cost more than the two statements it runs."""

    __slots__ = ("_at", "_conn", "_db", "_update_id")

    def __init__(self, db: Database, update_id: int | None, at: str) -> None:
        self._db = db
        self._update_id = update_id
        self._at = at
        self._conn: LoopConnection | None = None

    async def __aenter__(self) -> LoopConnection:
        db = self._db
        await db._write_lock.acquire()
        try:
            conn = db.writer
            await db._begin(conn)
        except BaseException:
            db._write_lock.release()
            raise
        self._conn = conn
        if self._update_id is not None:
            try:
                cur = conn.raw.execute(
                    "INSERT OR IGNORE INTO processed_updates (update_id, at) VALUES (?, ?)",
                    (self._update_id, self._at),
                )
                if cur.rowcount == 0:
                    raise AlreadyApplied(self._update_id)
            except BaseException as exc:
                await self.__aexit__(type(exc), exc, exc.__traceback__)
                raise
        return conn

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        conn = self._conn
        assert conn is not None
        try:
            if exc_type is not None:
                conn.raw.execute("ROLLBACK")
                conn._committed(False)
            else:
                conn.raw.execute("COMMIT")
                conn._committed(True)
        finally:
            self._db._write_lock.release()
