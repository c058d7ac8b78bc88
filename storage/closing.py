"""The campaign's close: when reports become read-only and reminders stop."""

from __future__ import annotations

import aiosqlite

from storage.rows import first as _first

CLOSED_MARK = "xcheck: campaign closed"  # the triggers' abort message


async def closes_at(conn: aiosqlite.Connection) -> str | None:
    """The close instant (UTC ISO), or None while the campaign has no end set."""
    row = _first(await conn.execute_fetchall("SELECT closes_at FROM campaign_close WHERE id = 1"))
    return str(row[0]) if row else None


async def set_close(conn: aiosqlite.Connection, at_iso: str, *, by: str, now: str) -> None:
    await conn.execute(
        "INSERT INTO campaign_close (id, closes_at, set_by, set_at) VALUES (1, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET closes_at = excluded.closes_at, set_by = excluded.set_by, "
        "set_at = excluded.set_at",
        (at_iso, by, now),
    )


async def reopen(conn: aiosqlite.Connection) -> bool:
    cur = await conn.execute("DELETE FROM campaign_close")
    return cur.rowcount > 0
