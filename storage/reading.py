"""Rows readers need: the evidence of a submitted version, including files removed from the draft since."""

from __future__ import annotations

import aiosqlite

from storage.evidence import _EVIDENCE
from storage.models import Evidence


async def evidence_with_ids(conn: aiosqlite.Connection, report_id: int, ids: list[int]) -> list[Evidence]:
    """The report's evidence rows with these ids, removed or not (a submitted version keeps its files)."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return [
        Evidence(*row)
        for row in await conn.execute_fetchall(
            _EVIDENCE + f" WHERE report_id = ? AND id IN ({marks}) ORDER BY id", (report_id, *ids)
        )
    ]
