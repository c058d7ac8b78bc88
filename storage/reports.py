"""Reports and their answers."""

from __future__ import annotations

import json
from typing import Any

import aiosqlite

from storage.models import Report

_REPORT = "SELECT id, institution_id, certificate_id, outline, status, version, submitted_at FROM reports"


async def get(conn: aiosqlite.Connection, report_id: int) -> Report | None:
    async with conn.execute(_REPORT + " WHERE id = ?", (report_id,)) as cur:
        row = await cur.fetchone()
    return Report(*row) if row else None


async def find(conn: aiosqlite.Connection, institution_id: int, certificate_id: int | None) -> Report | None:
    async with conn.execute(
        _REPORT + " WHERE institution_id = ? AND IFNULL(certificate_id, 0) = ?",
        (institution_id, certificate_id or 0),
    ) as cur:
        row = await cur.fetchone()
    return Report(*row) if row else None


async def ensure(
    conn: aiosqlite.Connection, *, institution_id: int, certificate_id: int | None, outline: str, at: str
) -> Report:
    await conn.execute(
        "INSERT INTO reports (institution_id, certificate_id, outline, started_at, updated_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (institution_id, certificate_id, outline, at, at),
    )
    found = await find(conn, institution_id, certificate_id)
    assert found is not None
    return found


async def of_institution(conn: aiosqlite.Connection, institution_id: int) -> list[Report]:
    async with conn.execute(
        _REPORT + " WHERE institution_id = ? ORDER BY IFNULL(certificate_id, 0)", (institution_id,)
    ) as cur:
        return [Report(*row) for row in await cur.fetchall()]


async def answers(conn: aiosqlite.Connection, report_id: int) -> dict[str, Any]:
    async with conn.execute("SELECT item, value FROM answers WHERE report_id = ?", (report_id,)) as cur:
        return {str(item): json.loads(value) for item, value in await cur.fetchall()}


async def put_answer(
    conn: aiosqlite.Connection, *, report_id: int, item: str, value: object, user_id: int, at: str
) -> None:
    await conn.execute(
        "INSERT INTO answers (report_id, item, value, answered_by, answered_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (report_id, item) DO UPDATE SET value = excluded.value, answered_by = excluded.answered_by, "
        "answered_at = excluded.answered_at",
        (report_id, item, json.dumps(value, ensure_ascii=False), user_id, at),
    )
    await conn.execute("UPDATE reports SET updated_at = ? WHERE id = ?", (at, report_id))


async def delete_answer(conn: aiosqlite.Connection, *, report_id: int, item: str) -> None:
    await conn.execute("DELETE FROM answers WHERE report_id = ? AND item = ?", (report_id, item))


async def all_reports(conn: aiosqlite.Connection) -> list[Report]:
    async with conn.execute(_REPORT + " ORDER BY institution_id, IFNULL(certificate_id, 0)") as cur:
        return [Report(*row) for row in await cur.fetchall()]


async def answer_counts(conn: aiosqlite.Connection) -> dict[int, int]:
    async with conn.execute("SELECT report_id, COUNT(*) FROM answers GROUP BY report_id") as cur:
        return {int(r): int(n) for r, n in await cur.fetchall()}


async def all_answers(conn: aiosqlite.Connection) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    async with conn.execute("SELECT report_id, item, value FROM answers") as cur:
        async for report_id, item, value in cur:
            out.setdefault(int(report_id), {})[str(item)] = json.loads(value)
    return out
