"""The web conversation page's one-time form tokens, each bound to a negative update id (migration 0019)."""

from __future__ import annotations

import aiosqlite

from storage.rows import first as _first


async def issue_forms(
    conn: aiosqlite.Connection, *, token_hashes: list[str], user_id: int, at: str, expires_at: str
) -> list[int]:
    """One row per form; returns their update ids in the order of `token_hashes`. Expired rows go first."""
    await conn.execute("DELETE FROM web_chat_forms WHERE expires_at <= ?", (at,))
    ids = []
    for token_hash in token_hashes:
        cur = await conn.execute(
            "INSERT INTO web_chat_forms (update_id, token_hash, user_id, created_at, expires_at) "
            "VALUES (-(SELECT IFNULL(MAX(seq), 0) + 1 FROM sqlite_sequence WHERE name = 'web_chat_forms'), "
            "?, ?, ?, ?)",
            (token_hash, user_id, at, expires_at),
        )
        ids.append(-int(cur.lastrowid or 0))
    return ids


async def form_update_id(conn: aiosqlite.Connection, *, token_hash: str, user_id: int, now: str) -> int | None:
    """The update id of an unexpired form issued to this person, or None."""
    row = _first(
        await conn.execute_fetchall(
            "SELECT update_id FROM web_chat_forms WHERE token_hash = ? AND user_id = ? AND expires_at > ?",
            (token_hash, user_id, now),
        )
    )
    return int(row[0]) if row else None
