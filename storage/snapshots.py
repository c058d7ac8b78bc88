"""What exports read besides the live answers: each report's latest submitted version, the evidence files that
version listed (even ones removed since), and who submitted it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import aiosqlite

from storage.models import Evidence, Report, Version
from storage.rows import first

_EVIDENCE = (
    "SELECT id, report_id, item, name, kind, mime, size, sha256, uploaded_by, uploaded_at, tg_file_id FROM evidence"
)


async def latest_versions(conn: aiosqlite.Connection) -> dict[int, Version]:
    """By report id: the newest submitted version of every report that has one."""
    rows = await conn.execute_fetchall(
        "SELECT v.report_id, v.version, v.submitted_at, v.submitted_by, v.content, v.checksum "
        "FROM report_versions v JOIN (SELECT report_id, MAX(version) AS top FROM report_versions GROUP BY report_id) m "
        "ON m.report_id = v.report_id AND m.top = v.version"
    )
    return {int(r[0]): Version(*r) for r in rows}


async def evidence_by_ids(conn: aiosqlite.Connection, ids: Iterable[int]) -> dict[int, Evidence]:
    wanted = sorted(set(ids))
    out: dict[int, Evidence] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in await conn.execute_fetchall(_EVIDENCE + f" WHERE id IN ({marks})", chunk):
            out[int(row[0])] = Evidence(*row)
    return out


async def names(conn: aiosqlite.Connection, user_ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(user_ids))
    if not wanted:
        return {}
    marks = ",".join("?" * len(wanted))
    rows = await conn.execute_fetchall(f"SELECT user_id, name FROM people WHERE user_id IN ({marks})", wanted)
    return {int(r[0]): str(r[1]) for r in rows}


async def submitted_content(conn: aiosqlite.Connection, report: Report) -> dict[str, Any] | None:
    """The content (answers, evidence listed) of the report's last submitted version, the one its `version`
    counter names; None if it has none."""
    row = first(
        await conn.execute_fetchall(
            "SELECT content FROM report_versions WHERE report_id = ? AND version = ?", (report.id, report.version)
        )
    )
    return dict(json.loads(row[0])) if row else None
