"""The bulk connection (its own thread) opened while the database closes is closed too: otherwise its
non-daemon thread outlives the process's work and the process never exits (seen as ./scripts/test hanging
after "passed", when a restart's reminder tick read progress while the harness stopped)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from storage import Database


async def test_a_bulk_connection_opened_while_closing_is_closed_and_refused(tmp_path: Path) -> None:
    db = Database(tmp_path / "x.sqlite3")
    await db.connect()
    opening = asyncio.create_task(db.bulk())
    await asyncio.sleep(0)  # one turn of the loop: the task is waiting for the connection's thread
    await db.close()
    with pytest.raises(RuntimeError, match="not connected"):
        await opening
    assert db._bulk is None  # nothing left open, so no worker thread is left running


async def test_bulk_still_works_while_connected(tmp_path: Path) -> None:
    db = Database(tmp_path / "x.sqlite3")
    await db.connect()
    conn = await db.bulk()
    assert [tuple(r) for r in await conn.execute_fetchall("SELECT 1")] == [(1,)]
    assert await db.bulk() is conn
    await db.close()
