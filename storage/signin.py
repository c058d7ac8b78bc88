"""Sign-in bookkeeping: refused invitation codes per user (rate limit) and re-binding requests."""

from __future__ import annotations

import aiosqlite

from storage.rows import first as _first


async def record_failure(conn: aiosqlite.Connection, user_id: int, reason: str, *, at: str) -> None:
    await conn.execute("INSERT INTO signin_failures (user_id, reason, at) VALUES (?, ?, ?)", (user_id, reason, at))


async def failures_since(conn: aiosqlite.Connection, user_id: int, since: str) -> int:
    row = _first(
        await conn.execute_fetchall(
            "SELECT COUNT(*) FROM signin_failures WHERE user_id = ? AND at >= ?", (user_id, since)
        )
    )
    return int(row[0]) if row else 0


async def forget_failures_before(conn: aiosqlite.Connection, at: str) -> None:
    await conn.execute("DELETE FROM signin_failures WHERE at < ?", (at,))


async def ask_rebind(conn: aiosqlite.Connection, user_id: int, invitation_id: int, code_hash: str, *, at: str) -> None:
    await conn.execute(
        "INSERT INTO rebind_requests (user_id, invitation_id, code_hash, asked_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (user_id) DO UPDATE SET invitation_id = excluded.invitation_id, "
        "code_hash = excluded.code_hash, asked_at = excluded.asked_at",
        (user_id, invitation_id, code_hash, at),
    )


async def rebind_request(conn: aiosqlite.Connection, user_id: int) -> tuple[int, str] | None:
    """(invitation id, code hash) of the re-binding this user was asked to confirm, if any."""
    row = _first(
        await conn.execute_fetchall(
            "SELECT invitation_id, code_hash FROM rebind_requests WHERE user_id = ?", (user_id,)
        )
    )
    return (int(row[0]), str(row[1])) if row else None


async def drop_rebind(conn: aiosqlite.Connection, user_id: int) -> bool:
    cur = await conn.execute("DELETE FROM rebind_requests WHERE user_id = ?", (user_id,))
    return cur.rowcount == 1
