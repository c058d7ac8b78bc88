"""Parts of a long text that Telegram split into several messages (see migration 0009)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aiosqlite

_COLUMNS = ("user_id", "report_id", "item", "stage", "text", "parts", "last_length", "previous", "received_at")


@dataclass(frozen=True, slots=True)
class Fragment:
    user_id: int
    report_id: int
    item: str
    stage: str
    text: str
    parts: int
    last_length: int
    previous: str | None
    received_at: str

    @property
    def previous_value(self) -> Any:
        return json.loads(self.previous) if self.previous is not None else None


async def get(conn: aiosqlite.Connection, user_id: int) -> Fragment | None:
    rows = await conn.execute_fetchall(
        f"SELECT {', '.join(_COLUMNS)} FROM text_fragments WHERE user_id = ?", (user_id,)
    )
    for row in rows:
        return Fragment(**dict(zip(_COLUMNS, row, strict=True)))
    return None


async def put(conn: aiosqlite.Connection, fragment: Fragment) -> None:
    await conn.execute(
        f"INSERT OR REPLACE INTO text_fragments ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
        tuple(getattr(fragment, c) for c in _COLUMNS),
    )


async def drop(conn: aiosqlite.Connection, user_id: int) -> None:
    await conn.execute("DELETE FROM text_fragments WHERE user_id = ?", (user_id,))
