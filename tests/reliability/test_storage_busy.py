"""Another process holding SQLite's write lock (a CLI roster import, a maintenance job) never stalls the bot's
event loop: the bot's own transactions wait only briefly on the loop, then retry without blocking it and give
up with Busy; a typed answer caught by it is answered with the busy message and nothing is stored."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest
from telegram import Update

from messages import perf
from storage import Busy, Database, meta, reports
from tests.support.helpers import Chat, Harness

SCHOOL = "安徽工商职业学院"
CERTS = {"Web前端开发": ("腾讯云计算（北京）有限责任公司", SCHOOL)}


def _lock(path: Path) -> sqlite3.Connection:
    """A second connection, as another process would hold it: a write transaction left open."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO meta (key, value) VALUES ('cli', 'importing')")
    return other


async def test_a_foreign_write_lock_makes_a_transaction_give_up_while_the_loop_keeps_running(tmp_path: Path) -> None:
    db = Database(tmp_path / "x.sqlite3", busy_budget=0.3)
    await db.connect()
    other = _lock(db.path)
    turns = 0
    stop = asyncio.Event()

    async def ticker() -> None:
        nonlocal turns
        while not stop.is_set():
            turns += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    try:
        with pytest.raises(Busy):
            async with db.transaction() as conn:
                await meta.put(conn, "bot", "written")
        # The loop went on turning while the transaction waited for the lock.
        assert turns > 1
        # Right after giving up, the next transaction does not wait again: it is refused at once.
        turns_before = turns
        with pytest.raises(Busy):
            async with db.transaction() as conn:
                await meta.put(conn, "bot", "written")
        assert turns == turns_before
        assert await meta.get(db.read, "bot") is None
        # Readers are never blocked by the other writer (WAL), and see only committed data.
        assert await meta.get(db.read, "cli") is None
        other.execute("COMMIT")
        async with db.transaction() as conn:
            await meta.put(conn, "bot", "written")
        assert (await meta.get(db.read, "bot"), await meta.get(db.read, "cli")) == ("written", "importing")
    finally:
        stop.set()
        await task
        other.close()
        await db.close()


@pytest.fixture
async def coordinator(harness: Harness) -> Chat:
    await harness.certify(CERTS, {SCHOOL: [("Web前端开发", 150)]})
    await harness.bind(600, "coordinator", SCHOOL)
    chat = harness.chat(600)
    menu = await chat.say("/menu")
    await chat.tap(menu, "继续填报")
    return chat


async def _answers(harness: Harness) -> dict[str, object]:
    found = await reports.find(harness.deps.db.read, 24, None)
    assert found is not None
    return await reports.answers(harness.deps.db.read, found.id)


async def test_a_typed_answer_during_a_foreign_write_lock_is_answered_busy_and_not_stored(
    harness: Harness, coordinator: Chat
) -> None:
    other = _lock(harness.deps.db.path)
    try:
        # An update already taken in (past the inbox) when the other process took the lock.
        payload = {"update_id": 900_001, "message": harness.standin._message(600, None, text="120")}
        assert harness.app is not None
        n = len(coordinator.seen)
        await harness.app.process_update(Update.de_json(payload, harness.app.bot))
        told = await harness.standin.next_shown(600, n)
        assert (told.text, told.buttons) == (perf.BUSY, [])
        assert await _answers(harness) == {}
        assert not await harness.deps.db.was_applied(900_001)
    finally:
        other.execute("ROLLBACK")
        other.close()
    # The lock gone, the same screen takes the answer as usual, exactly once.
    again = await coordinator.say("120")
    assert "请核对" in again.text
    stored = await _answers(harness)
    assert len(stored) == 1


async def test_updates_fetched_during_a_foreign_write_lock_wait_to_be_stored_and_are_then_answered(
    harness: Harness, coordinator: Chat
) -> None:
    other = _lock(harness.deps.db.path)
    try:
        n = len(coordinator.seen)
        sent_at = time.monotonic()
        update_id = harness.standin.send_text(600, "120")
        await harness.standin.wait_for(
            lambda: any(c.method == "getUpdates" and c.at >= sent_at for c in harness.standin.calls)
        )
        # Handed out but not storable yet: PTB must not have confirmed it to Telegram.
        assert harness.standin.confirmed_offset <= update_id
        assert len(coordinator.seen) == n
    finally:
        other.execute("ROLLBACK")
        other.close()
    shown = await harness.standin.next_shown(600, n)
    assert "请核对" in shown.text
    assert len(await _answers(harness)) == 1
