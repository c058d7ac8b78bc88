"""Submitted versions, returns for revision, status changes, and the cities' 中职 packages."""

from __future__ import annotations

import json

import aiosqlite

from storage.models import Revision, Version
from storage.rows import first as _first

_VERSION = "SELECT report_id, version, submitted_at, submitted_by, content, checksum FROM report_versions"
_REVISION = "SELECT id, report_id, version, comments, returned_by, returned_at, closed_at FROM revisions"


def _revision(row: aiosqlite.Row) -> Revision:
    values = list(row)
    values[3] = json.loads(values[3])
    return Revision(*values)


async def add_version(
    conn: aiosqlite.Connection, *, report_id: int, version: int, at: str, user_id: int, content: str, checksum: str
) -> None:
    await conn.execute(
        "INSERT INTO report_versions (report_id, version, submitted_at, submitted_by, content, checksum) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (report_id, version, at, user_id, content, checksum),
    )


async def version(conn: aiosqlite.Connection, report_id: int, number: int) -> Version | None:
    row = _first(await conn.execute_fetchall(_VERSION + " WHERE report_id = ? AND version = ?", (report_id, number)))
    return Version(*row) if row else None


async def versions(conn: aiosqlite.Connection, report_id: int) -> list[Version]:
    return [
        Version(*row)
        for row in await conn.execute_fetchall(_VERSION + " WHERE report_id = ? ORDER BY version", (report_id,))
    ]


async def set_status(
    conn: aiosqlite.Connection, report_id: int, *, status: str, at: str, expect: tuple[str, ...], bump: bool = False
) -> bool:
    """Moves the status only from an expected one, so two people racing cannot both succeed."""
    marks = ",".join("?" * len(expect))
    extra = ""
    if status == "submitted":
        extra = ", submitted_at = ?"
    elif status == "accepted":
        extra = ", accepted_at = ?"
    args: list[object] = [status, at]
    if extra:
        args.append(at)
    cur = await conn.execute(
        f"UPDATE reports SET status = ?, updated_at = ?{extra}{', version = version + 1' if bump else ''} "
        f"WHERE id = ? AND status IN ({marks})",
        (*args, report_id, *expect),
    )
    return cur.rowcount == 1


async def open_revision(conn: aiosqlite.Connection, report_id: int) -> Revision | None:
    row = _first(
        await conn.execute_fetchall(
            _REVISION + " WHERE report_id = ? AND closed_at IS NULL ORDER BY id DESC", (report_id,)
        )
    )
    return _revision(row) if row else None


async def add_revision(
    conn: aiosqlite.Connection, *, report_id: int, version: int, comments: dict[str, str], user_id: int, at: str
) -> None:
    await conn.execute(
        "INSERT INTO revisions (report_id, version, comments, returned_by, returned_at) VALUES (?, ?, ?, ?, ?)",
        (report_id, version, json.dumps(comments, ensure_ascii=False), user_id, at),
    )


async def close_revisions(conn: aiosqlite.Connection, report_id: int, *, at: str) -> None:
    await conn.execute("UPDATE revisions SET closed_at = ? WHERE report_id = ? AND closed_at IS NULL", (at, report_id))


async def revisions(conn: aiosqlite.Connection, report_id: int) -> list[Revision]:
    return [
        _revision(row)
        for row in await conn.execute_fetchall(_REVISION + " WHERE report_id = ? ORDER BY id", (report_id,))
    ]


async def complete_city(conn: aiosqlite.Connection, city: str, *, user_id: int, at: str) -> None:
    await conn.execute(
        "INSERT INTO city_packages (city, completed_at, completed_by) VALUES (?, ?, ?) "
        "ON CONFLICT (city) DO UPDATE SET completed_at = excluded.completed_at, completed_by = excluded.completed_by",
        (city, at, user_id),
    )


async def city_completed(conn: aiosqlite.Connection, city: str) -> str | None:
    row = _first(await conn.execute_fetchall("SELECT completed_at FROM city_packages WHERE city = ?", (city,)))
    return str(row[0]) if row else None


async def submitted_answers(conn: aiosqlite.Connection) -> dict[int, dict[str, object]]:
    """The answers of every report's last submitted version (the one its `version` counter names), by
    report id; a report returned for revision keeps its last submitted answers here while it is edited."""
    rows = await conn.execute_fetchall(
        "SELECT v.report_id, v.content FROM report_versions v "
        "JOIN reports r ON r.id = v.report_id AND r.version = v.version"
    )
    return {int(report_id): dict(json.loads(content).get("answers", {})) for report_id, content in rows}
