"""WAL checkpoints run on the bulk connection's thread, not on commit on the event loop."""

from __future__ import annotations

from pathlib import Path

from storage import Database, meta


async def test_the_running_bot_checkpoints_off_the_loop(tmp_path: Path) -> None:
    db = Database(tmp_path / "x.sqlite3")
    await db.connect()
    try:
        db.start_checkpoints(every=3600)  # the loop would wait an hour: this test checkpoints by hand
        start = db.path.stat().st_size
        # About 8 MB through the log: far past SQLite's automatic checkpoint (1,000 pages, 4 MB).
        for n in range(2000):
            async with db.transaction() as conn:
                await meta.put(conn, f"k{n}", "x" * 4000)
        # No commit copied the log into the database file...
        assert db.path.stat().st_size == start
        await db.checkpoint()
        # ...the checkpoint on the bulk connection's thread did.
        assert db.path.stat().st_size > start + 7_000_000
        assert await meta.get(db.read, "k1999") == "x" * 4000
    finally:
        await db.close()
