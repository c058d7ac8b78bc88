"""Expert assignments (and, later, samples and grades)."""

from __future__ import annotations

import aiosqlite


async def is_assigned(conn: aiosqlite.Connection, user_id: int, institution_id: int) -> bool:
    async with conn.execute(
        "SELECT 1 FROM expert_assignments WHERE user_id = ? AND institution_id = ?", (user_id, institution_id)
    ) as cur:
        return await cur.fetchone() is not None


async def assign(conn: aiosqlite.Connection, user_id: int, institution_id: int, *, at: str) -> None:
    await conn.execute(
        "INSERT OR IGNORE INTO expert_assignments (user_id, institution_id, assigned_at) VALUES (?, ?, ?)",
        (user_id, institution_id, at),
    )


async def assigned_to(conn: aiosqlite.Connection, user_id: int) -> list[int]:
    async with conn.execute(
        "SELECT institution_id FROM expert_assignments WHERE user_id = ? ORDER BY institution_id", (user_id,)
    ) as cur:
        return [int(r[0]) for r in await cur.fetchall()]
