"""The evidence index. The files themselves are written by bot.domain.reports.evidence under the data directory."""

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


async def of_other_reports(conn: aiosqlite.Connection, report_id: int) -> list[tuple[Evidence, int | None]]:
    """Current evidence of the same institution's other reports (a training organization's other
    certificates), each with its report's certificate id, in upload order."""
    rows = await conn.execute_fetchall(
        "SELECT e.id, e.report_id, e.item, e.name, e.kind, e.mime, e.size, e.sha256, e.uploaded_by, "
        "e.uploaded_at, e.tg_file_id, o.certificate_id FROM reports r "
        "JOIN reports o ON o.institution_id = r.institution_id AND o.id <> r.id "
        "JOIN evidence e ON e.report_id = o.id AND e.removed_at IS NULL "
        "WHERE r.id = ? ORDER BY e.id",
        (report_id,),
    )
    return [(Evidence(*row[:11]), None if row[11] is None else int(row[11])) for row in rows]
