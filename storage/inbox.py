"""The inbox of fetched, not yet handled updates."""

from __future__ import annotations

import json
from typing import Any

import aiosqlite

# json.dumps(..., ensure_ascii=False) builds an encoder per call; this one is built once (same output).
_encode = json.JSONEncoder(ensure_ascii=False).encode


async def add(conn: aiosqlite.Connection, updates: list[dict[str, Any]]) -> None:
    await conn.executemany(
        "INSERT OR IGNORE INTO inbox (update_id, payload) VALUES (?, ?)",
        [(int(u["update_id"]), _encode(u)) for u in updates],
    )


async def done(conn: aiosqlite.Connection, update_ids: list[int]) -> None:
    await conn.executemany("DELETE FROM inbox WHERE update_id = ?", [(i,) for i in update_ids])


async def pending(conn: aiosqlite.Connection) -> list[dict[str, Any]]:
    rows = await conn.execute_fetchall("SELECT payload FROM inbox ORDER BY update_id")
    return [json.loads(p) for (p,) in rows]
