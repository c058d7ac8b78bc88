"""The evidence index. The files themselves are written by bot.evidence under the data directory."""

from __future__ import annotations

import aiosqlite

from storage.models import Evidence
from storage.rows import first as _first

_EVIDENCE = (
    "SELECT id, report_id, item, name, kind, mime, size, sha256, uploaded_by, uploaded_at, tg_file_id FROM evidence"
)


async def add(
    conn: aiosqlite.Connection,
    *,
    report_id: int,
    item: str,
    name: str,
    kind: str,
    mime: str,
    size: int,
    sha256: str,
    uploaded_by: int,
    at: str,
    tg_file_id: str | None,
) -> int:
    cur = await conn.execute(
        "INSERT INTO evidence (report_id, item, name, kind, mime, size, sha256, uploaded_by, uploaded_at, tg_file_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (report_id, item, name, kind, mime, size, sha256, uploaded_by, at, tg_file_id),
    )
    return int(cur.lastrowid or 0)


async def of_report(conn: aiosqlite.Connection, report_id: int, item: str | None = None) -> list[Evidence]:
    sql = _EVIDENCE + " WHERE report_id = ? AND removed_at IS NULL"
    args: tuple[object, ...] = (report_id,)
    if item is not None:
        sql += " AND item = ?"
        args += (item,)
    return [Evidence(*row) for row in await conn.execute_fetchall(sql + " ORDER BY id", args)]


async def get(conn: aiosqlite.Connection, evidence_id: int) -> Evidence | None:
    row = _first(await conn.execute_fetchall(_EVIDENCE + " WHERE id = ? AND removed_at IS NULL", (evidence_id,)))
    return Evidence(*row) if row else None


async def remove(conn: aiosqlite.Connection, evidence_id: int, *, at: str) -> bool:
    cur = await conn.execute(
        "UPDATE evidence SET removed_at = ? WHERE id = ? AND removed_at IS NULL", (at, evidence_id)
    )
    return cur.rowcount == 1


async def counts(conn: aiosqlite.Connection, report_id: int) -> dict[str, int]:
    return {
        str(item): int(n)
        for item, n in await conn.execute_fetchall(
            "SELECT item, COUNT(*) FROM evidence WHERE report_id = ? AND removed_at IS NULL GROUP BY item", (report_id,)
        )
    }


async def all_current(conn: aiosqlite.Connection) -> list[Evidence]:
    return [
        Evidence(*row)
        for row in await conn.execute_fetchall(_EVIDENCE + " WHERE removed_at IS NULL ORDER BY report_id, item, id")
    ]
