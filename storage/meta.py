"""Small key/value facts about this installation (e.g. the bot's username, learnt at start-up)."""

from __future__ import annotations

import aiosqlite

from storage.rows import first as _first


async def get(conn: aiosqlite.Connection, key: str) -> str | None:
    row = _first(await conn.execute_fetchall("SELECT value FROM meta WHERE key = ?", (key,)))
    return str(row[0]) if row else None


async def put(conn: aiosqlite.Connection, key: str, value: str) -> None:
    await conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
